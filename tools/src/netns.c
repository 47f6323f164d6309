// SPDX-License-Identifier: GPL-2.0
/*
 * A veth pair between this network namespace and a new one, made with
 * unshare(CLONE_NEWNET) and rtnetlink, because the test bed's busybox `ip`
 * knows no namespaces.  The sender keeps NETNS_SENDER_ADDR on "zcb0" here;
 * consumers setns() into peer_nsfd, where "zcb1" has NETNS_PEER_ADDR.
 * Both ends have the default veth features (scatter-gather, checksum
 * offload), so the path is the one zero-copy senders meet on a real NIC.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "bench.h"

#define VETH_HERE "zcb0"
#define VETH_PEER "zcb1"

struct nlreq {
	struct nlmsghdr nh;
	char buf[1024];
};

static struct rtattr *add_attr(struct nlreq *r, int type, const void *data, int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)&r->nh + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

/* Close a nested attribute opened by add_attr(.., NULL, 0). */
static void end_nest(struct nlreq *r, struct rtattr *nest)
{
	nest->rta_len = (char *)&r->nh + r->nh.nlmsg_len - (char *)nest;
}

/* Send one request and wait for its acknowledgement. */
static int nl_talk(struct nlreq *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char reply[4096];
	struct nlmsghdr *nh;
	int fd, ret = -1;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < 0)
		goto out;
	nh = (struct nlmsghdr *)reply;
	if (NLMSG_OK(nh, (size_t)n) && nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(nh);

		errno = -e->error;
		ret = e->error ? -1 : 0;
	}
out:
	close(fd);
	return ret;
}

static void init_req(struct nlreq *r, int type, int flags, size_t hdrlen)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_len = NLMSG_LENGTH(hdrlen);
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = flags;
}

static int link_up(const char *name)
{
	struct nlreq r;
	struct ifinfomsg *ifi;

	init_req(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	ifi = NLMSG_DATA(&r.nh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = if_nametoindex(name);
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return ifi->ifi_index ? nl_talk(&r) : -1;
}

static int add_addr(const char *name, const char *addr)
{
	struct nlreq r;
	struct ifaddrmsg *ifa;
	struct in_addr a;

	init_req(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	ifa = NLMSG_DATA(&r.nh);
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = if_nametoindex(name);
	inet_pton(AF_INET, addr, &a);
	add_attr(&r, IFA_LOCAL, &a, sizeof(a));
	add_attr(&r, IFA_ADDRESS, &a, sizeof(a));
	return ifa->ifa_index ? nl_talk(&r) : -1;
}

/* ip link add zcb0 type veth peer name zcb1 netns <peer_nsfd> */
static int add_veth(int peer_nsfd)
{
	struct rtattr *linkinfo, *data, *peer;
	struct ifinfomsg *ifi, pifi = { .ifi_family = AF_UNSPEC };
	struct nlreq r;

	init_req(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifi));
	ifi = NLMSG_DATA(&r.nh);
	ifi->ifi_family = AF_UNSPEC;
	add_attr(&r, IFLA_IFNAME, VETH_HERE, sizeof(VETH_HERE));
	linkinfo = add_attr(&r, IFLA_LINKINFO, NULL, 0);
	add_attr(&r, IFLA_INFO_KIND, "veth", 4);
	data = add_attr(&r, IFLA_INFO_DATA, NULL, 0);
	peer = add_attr(&r, VETH_INFO_PEER, &pifi, sizeof(pifi));
	add_attr(&r, IFLA_IFNAME, VETH_PEER, sizeof(VETH_PEER));
	add_attr(&r, IFLA_NET_NS_FD, &peer_nsfd, sizeof(peer_nsfd));
	end_nest(&r, peer);
	end_nest(&r, data);
	end_nest(&r, linkinfo);
	return nl_talk(&r);
}

static int del_link(const char *name)
{
	struct nlreq r;
	struct ifinfomsg *ifi;

	init_req(&r, RTM_DELLINK, 0, sizeof(*ifi));
	ifi = NLMSG_DATA(&r.nh);
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = if_nametoindex(name);
	return ifi->ifi_index ? nl_talk(&r) : 0;
}

static int fail(struct netns_veth *v, const char *what)
{
	snprintf(v->err, sizeof(v->err), "%s: %s", what, strerror(errno));
	return -1;
}

int netns_veth_setup(struct netns_veth *v)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	v->peer_nsfd = -1;
	if (self < 0)
		return fail(v, "open /proc/self/ns/net");
	/* Make the peer namespace by stepping into a new one and back; the
	 * open fd keeps it alive with no process in it. */
	if (unshare(CLONE_NEWNET)) {
		close(self);
		return fail(v, "unshare(CLONE_NEWNET)");
	}
	v->peer_nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(self, CLONE_NEWNET)) {
		close(self);
		return fail(v, "setns back");
	}
	if (v->peer_nsfd < 0) {
		close(self);
		return fail(v, "open new netns");
	}
	del_link(VETH_HERE);	/* left over from a crashed run */
	if (add_veth(v->peer_nsfd)) {
		close(self);
		return fail(v, "create veth (is the veth module loaded?)");
	}
	if (add_addr(VETH_HERE, NETNS_SENDER_ADDR) || link_up(VETH_HERE) || link_up("lo")) {
		close(self);
		return fail(v, "configure " VETH_HERE);
	}
	if (setns(v->peer_nsfd, CLONE_NEWNET)) {
		close(self);
		return fail(v, "setns peer");
	}
	if (add_addr(VETH_PEER, NETNS_PEER_ADDR) || link_up(VETH_PEER) || link_up("lo")) {
		setns(self, CLONE_NEWNET);
		close(self);
		return fail(v, "configure " VETH_PEER);
	}
	if (setns(self, CLONE_NEWNET)) {
		close(self);
		return fail(v, "setns back");
	}
	close(self);
	return 0;
}

void netns_veth_teardown(struct netns_veth *v)
{
	del_link(VETH_HERE);	/* takes its peer with it */
	if (v->peer_nsfd >= 0)
		close(v->peer_nsfd);
	v->peer_nsfd = -1;
}

/* Loopback up in this namespace (a fresh `unshare -n` has it down). */
int netns_lo_up(void)
{
	return link_up("lo");
}
