/*
 * rk's network: NetBSD's TCP/IP stack and its virtio-net driver (vioif,
 * attached by NetBSD's own autoconfiguration when the composition grants
 * rk the device with pci=) configured from rk's arg=. An entry
 *
 *	net:IF:ADDRESS/PREFIX[:GATEWAY]		e.g. net:vioif0:10.0.2.15/24:10.0.2.2
 *
 * gives IF an IPv4 address and brings it up, and the gateway (if any)
 * becomes the default route. lo0 (127.0.0.1, set up by netinet's own
 * component) is always brought up. Then every interface NetBSD has is
 * reported on the console with its link-level address and state, read
 * through NetBSD's routing sysctl (its ABI: if_msghdr and sockaddr_dl,
 * checked before use), so rk prints what NetBSD says, not what rk meant.
 */
#include "r2c.h"
#include "fmt/fmt.h"
#include "rump_api.h"
#include "../../lib/rumpuser/rumpuser_int.h"

int rump_pub_netconfig_ifup(const char *ifname);
int rump_pub_netconfig_ipv4_ifaddr_cidr(const char *ifname, const char *addr, int prefix);
int rump_pub_netconfig_ipv4_gw(const char *gw);
#define rump_sys___sysctl rump___sysimpl___sysctl
int rump_sys___sysctl(const int *name, unsigned namelen, void *old, size_t *oldlen, const void *new, size_t newlen);

#define NET_USAGE "expected net:IF:ADDRESS/PREFIX[:GATEWAY], e.g. net:vioif0:10.0.2.15/24:10.0.2.2"

/* A dotted IPv4 address, four numbers 0-255 without leading junk. */
static bool ipv4_ok(const char *s)
{
	for (int part = 0; part < 4; part++) {
		int v = 0, digits = 0;
		for (; *s >= '0' && *s <= '9'; s++, digits++)
			v = v * 10 + (*s - '0');
		if (digits < 1 || digits > 3 || v > 255)
			return false;
		if (part < 3 && *s++ != '.')
			return false;
	}
	return *s == '\0';
}

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
			return false;
	return s[n - 1] >= '0' && s[n - 1] <= '9';
}

static char *find_slash(char *s)
{
	for (; *s; s++)
		if (*s == '/')
			return s;
	return NULL;
}

int rk_net_entry(const char *e, const char *end)
{
	char entry[4 * R2C_ARG_FIELD], f[4][R2C_ARG_FIELD];
	size_t len = (size_t)(end - e);
	if (len < 4 || memcmp(e, "net:", 4))
		return 0;
	if (len >= sizeof(entry)) {
		r2c_printf("rk: arg entry \"net:...\" too long: " NET_USAGE "\n");
		return -EINVAL;
	}
	memcpy(entry, e, len);
	entry[len] = '\0';
	char *slash = NULL;
	int prefix = -1;
	if (!r2c_arg_fields(entry, f, 4) && ifname_ok(f[1]) && (slash = find_slash(f[2]))) {
		*slash = '\0';
		char *p = slash + 1;
		prefix = 0;
		if (!*p || strlen(p) > 2)
			prefix = -1;
		for (; prefix >= 0 && *p; p++)
			prefix = *p >= '0' && *p <= '9' ? prefix * 10 + (*p - '0') : -1;
	}
	if (!slash || prefix < 1 || prefix > 32 || !ipv4_ok(f[2]) || (f[3][0] && !ipv4_ok(f[3]))) {
		r2c_printf("rk: arg entry \"%s\": " NET_USAGE "\n", entry);
		return -EINVAL;
	}
	int err = rump_pub_netconfig_ipv4_ifaddr_cidr(f[1], f[2], prefix);
	if (err) {
		r2c_printf("rk: net: %s: cannot set %s/%d: error %d%s\n", f[1], f[2], prefix, err,
			   err == 6 ? " (no such interface: was its device granted with pci=?)" : "");
		return -err;
	}
	if ((err = rump_pub_netconfig_ifup(f[1]))) {
		r2c_printf("rk: net: %s: cannot bring it up: error %d\n", f[1], err);
		return -err;
	}
	if (f[3][0] && (err = rump_pub_netconfig_ipv4_gw(f[3]))) {
		r2c_printf("rk: net: default route via %s: error %d\n", f[3], err);
		return -err;
	}
	r2c_printf("rk: net: %s is %s/%d%s%s\n", f[1], f[2], prefix, f[3][0] ? ", default route via " : "", f[3]);
	return 1;
}

/* NetBSD's amd64 routing-socket layouts (net/if.h, net/if_dl.h, net/route.h) */
#define NB_CTL_NET		4
#define NB_PF_ROUTE		34
#define NB_NET_RT_IFLIST	5
#define NB_RTM_VERSION		4
#define NB_RTM_IFINFO		0x14
#define NB_AF_LINK		18
#define NB_IFF_UP		0x1
#define NB_IFF_RUNNING		0x40
#define IFM_SIZE		152	/* struct if_msghdr: 16 + struct if_data (136) */
#define IFM_LINK_STATE		20	/* ifm_data.ifi_link_state */

static uint16_t u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static int32_t i32(const uint8_t *p) { return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24); }

/* Print each interface NetBSD has: name, link-level address, flags, link state. */
static void report(void)
{
	static uint8_t buf[8192];
	size_t n = sizeof(buf);
	int mib[6] = { NB_CTL_NET, NB_PF_ROUTE, 0, 0, NB_NET_RT_IFLIST, 0 };
	if (rump_sys___sysctl(mib, 6, buf, &n, NULL, 0) < 0) {
		r2c_printf("rk: net: cannot list the interfaces: error %d\n", rk_ctx()->error);
		return;
	}
	static const char *const state[] = { "unknown", "down", "up" };
	for (size_t at = 0; at + 4 <= n;) {
		const uint8_t *m = buf + at;
		size_t mlen = u16(m);
		if (mlen < 4 || at + mlen > n)
			break;
		at += mlen;
		if (m[2] != NB_RTM_VERSION || m[3] != NB_RTM_IFINFO)
			continue;
		const uint8_t *sdl = m + IFM_SIZE;
		if (mlen < IFM_SIZE + 8 || !(i32(m + 4) & 0x10) || sdl[1] != NB_AF_LINK ||
		    (size_t)8 + sdl[5] + sdl[6] > sdl[0] || IFM_SIZE + (size_t)sdl[0] > mlen) {
			r2c_printf("rk: net: an interface message rk cannot read (layout?)\n");
			continue;
		}
		char name[17] = { 0 }, mac[3 * 8] = "none";
		memcpy(name, sdl + 8, sdl[5] < 16 ? sdl[5] : 16);
		const uint8_t *a = sdl + 8 + sdl[5];
		for (int i = 0; i < sdl[6] && i < 8; i++)	/* "xx:" each, the last ':' cut */
			fmt_snprintf(mac + 3 * i, sizeof(mac) - 3 * (size_t)i, "%02x:", a[i]);
		if (sdl[6])
			mac[3 * (sdl[6] < 8 ? sdl[6] : 8) - 1] = '\0';
		int flags = i32(m + 8), ls = i32(m + IFM_LINK_STATE);
		r2c_printf("rk: net: %s address %s, %s%s, link state %s\n", name, mac,
			   flags & NB_IFF_UP ? "up" : "down", flags & NB_IFF_RUNNING ? " running" : "",
			   ls >= 0 && ls <= 2 ? state[ls] : "?");
	}
}

void rk_net_init(void)
{
	int err = rump_pub_netconfig_ifup("lo0");
	if (err)
		r2c_printf("rk: net: lo0: cannot bring it up: error %d\n", err);
}

void rk_net_report(void)
{
	report();
}
