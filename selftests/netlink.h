/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough rtnetlink to build a veth pair between two network
 * namespaces (busybox ip cannot): create, address, bring up, delete.
 */
#ifndef ZCOPY_SELFTEST_NETLINK_H
#define ZCOPY_SELFTEST_NETLINK_H

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

struct zc_nlreq {
	struct nlmsghdr n;
	char buf[1024];
};

static inline struct rtattr *zc_nl_attr(struct nlmsghdr *n, int type,
					const void *data, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static inline void zc_nl_nest_end(struct nlmsghdr *n, struct rtattr *nest)
{
	nest->rta_len = (char *)n + n->nlmsg_len - (char *)nest;
}

/* Send @n and wait for its ack; 0 or -errno. */
static inline int zc_nl_talk(struct nlmsghdr *n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	struct nlmsghdr *h;
	ssize_t len;
	int fd, ret = -EIO;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	n->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	n->nlmsg_seq = 1;
	if (sendto(fd, n, n->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	len = recv(fd, buf, sizeof(buf), 0);
	for (h = (struct nlmsghdr *)buf; len > 0 && NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			ret = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			break;
		}
	}
out:
	close(fd);
	return ret;
}

static inline void zc_nl_init(struct zc_nlreq *r, int type, int flags, const void *hdr,
			      int hdrlen)
{
	memset(r, 0, sizeof(*r));
	r->n.nlmsg_len = NLMSG_LENGTH(hdrlen);
	r->n.nlmsg_type = type;
	r->n.nlmsg_flags = flags;
	memcpy(NLMSG_DATA(&r->n), hdr, hdrlen);
}

/* veth @name here, its peer @peer in the namespace open at @peer_ns. */
static inline int zc_veth_create(const char *name, const char *peer, int peer_ns)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct rtattr *linkinfo, *data, *peerinfo;
	struct zc_nlreq r;
	__u32 ns = peer_ns;

	zc_nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
	zc_nl_attr(&r.n, IFLA_IFNAME, name, strlen(name) + 1);
	linkinfo = zc_nl_attr(&r.n, IFLA_LINKINFO, NULL, 0);
	zc_nl_attr(&r.n, IFLA_INFO_KIND, "veth", 4);
	data = zc_nl_attr(&r.n, IFLA_INFO_DATA, NULL, 0);
	peerinfo = zc_nl_attr(&r.n, VETH_INFO_PEER, &ifi, sizeof(ifi));
	zc_nl_attr(&r.n, IFLA_IFNAME, peer, strlen(peer) + 1);
	zc_nl_attr(&r.n, IFLA_NET_NS_FD, &ns, sizeof(ns));
	zc_nl_nest_end(&r.n, peerinfo);
	zc_nl_nest_end(&r.n, data);
	zc_nl_nest_end(&r.n, linkinfo);
	return zc_nl_talk(&r.n);
}

static inline int zc_link_up(const char *name)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = (int)if_nametoindex(name),
		.ifi_flags = IFF_UP,
		.ifi_change = IFF_UP,
	};
	struct zc_nlreq r;

	if (!ifi.ifi_index)
		return -ENODEV;
	zc_nl_init(&r, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	return zc_nl_talk(&r.n);
}

static inline int zc_link_del(const char *name)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC,
		.ifi_index = (int)if_nametoindex(name),
	};
	struct zc_nlreq r;

	if (!ifi.ifi_index)
		return -ENODEV;
	zc_nl_init(&r, RTM_DELLINK, 0, &ifi, sizeof(ifi));
	return zc_nl_talk(&r.n);
}

/* Add @addr (network order IPv4, or 16-byte IPv6) / @prefix to @name. */
static inline int zc_addr_add(const char *name, int family, const void *addr, int prefix)
{
	struct ifaddrmsg ifa = {
		.ifa_family = family,
		.ifa_prefixlen = prefix,
		.ifa_index = if_nametoindex(name),
	};
	int alen = family == AF_INET ? 4 : 16;
	struct zc_nlreq r;

	if (!ifa.ifa_index)
		return -ENODEV;
	/* IPv6: no duplicate address detection, usable at once. */
	if (family == AF_INET6)
		ifa.ifa_flags = IFA_F_NODAD;
	zc_nl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	zc_nl_attr(&r.n, IFA_LOCAL, addr, alen);
	zc_nl_attr(&r.n, IFA_ADDRESS, addr, alen);
	return zc_nl_talk(&r.n);
}

#endif
