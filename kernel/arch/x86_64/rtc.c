/*
 * The battery clock (CMOS RTC), read once at boot so that user level has
 * a wall clock to count from: file systems stamp inodes with it (ext2
 * takes a deletion time of zero for "never deleted"). Afterwards the TSC
 * is the only clock.
 */
#include "cpu.h"

#define RTC_INDEX	0x70
#define RTC_DATA	0x71
#define RTC_UPDATING	0x80	/* status A: an update cycle is under way */
#define RTC_BINARY	0x04	/* status B: values are binary, not BCD */
#define RTC_24H		0x02	/* status B: 24-hour mode */
#define RTC_PM		0x80	/* hour register, 12-hour mode */

static uint8_t cmos(uint8_t reg)
{
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
}

/* Waits out an update in progress; false if the clock never settles. */
static bool settled(void)
{
	for (int i = 0; i < 1000000; i++)
		if (!(cmos(0x0A) & RTC_UPDATING))
			return true;
	return false;
}

static void read_raw(uint8_t v[7])
{
	static const uint8_t reg[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
	for (int i = 0; i < 7; i++)
		v[i] = cmos(reg[i]);
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

uint64_t rtc_epoch_seconds(void)
{
	uint8_t a[7], b[7];
	int tries = 0;
	do {		/* the same values twice: no update in between */
		if (!settled() || tries++ == 100)
			return 0;
		read_raw(a);
		if (!settled())
			return 0;
		read_raw(b);
	} while (memcmp(a, b, sizeof(a)));
	uint8_t status = cmos(0x0B);
	bool pm = !(status & RTC_24H) && (a[2] & RTC_PM);
	a[2] &= (uint8_t)~RTC_PM;
	if (!(status & RTC_BINARY))
		for (int i = 0; i < 7; i++)
			a[i] = (uint8_t)((a[i] >> 4) * 10 + (a[i] & 15));
	unsigned hour = (status & RTC_24H) ? a[2] : a[2] % 12 + (pm ? 12 : 0);
	unsigned century = a[6] >= 19 && a[6] <= 99 ? a[6] : 20;
	if (a[5] > 99 || a[4] < 1 || a[4] > 12 || a[3] < 1 || a[3] > 31 || hour > 23 || a[1] > 59 || a[0] > 59)
		return 0;
	int64_t days = days_from_civil(century * 100 + a[5], a[4], a[3]);
	return days < 0 ? 0 : (uint64_t)days * 86400 + hour * 3600 + a[1] * 60u + a[0];
}
