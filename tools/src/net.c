// SPDX-License-Identifier: GPL-2.0
/* Address parsing shared by the send and recv commands. */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zcopy.h"

int zc_parse_port(const char *s)
{
	char *end;
	long port = strtol(s, &end, 10);

	if (!*s || *end || port < 1 || port > 65535)
		return -1;
	return port;
}

/* "1.2.3.4:P", "[::1]:P" or "::1:P"? Only the first two: IPv6 needs []. */
int zc_parse_hostport(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon;
	int port;

	memset(ss, 0, sizeof(*ss));
	if (arg[0] == '[') {
		const char *close = strchr(arg, ']');

		if (!close || close[1] != ':' || close - arg - 1 >= (long)sizeof(host))
			return -1;
		memcpy(host, arg + 1, close - arg - 1);
		host[close - arg - 1] = 0;
		port = zc_parse_port(close + 2);
		if (port < 0 || inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return -1;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		*len = sizeof(*s6);
		return 0;
	}
	colon = strrchr(arg, ':');
	if (!colon || colon - arg >= (long)sizeof(host))
		return -1;
	memcpy(host, arg, colon - arg);
	host[colon - arg] = 0;
	if (!strcmp(host, "localhost"))
		strcpy(host, "127.0.0.1");
	port = zc_parse_port(colon + 1);
	if (port < 0 || inet_pton(AF_INET, host, &s4->sin_addr) != 1)
		return -1;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	*len = sizeof(*s4);
	return 0;
}
