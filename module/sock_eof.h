/* SPDX-License-Identifier: GPL-2.0 */
/* The end of a call's stream on a socket (sendfile's ->splice_eof). */
#ifndef ZCOPY_SOCK_EOF_H
#define ZCOPY_SOCK_EOF_H

#include <linux/net.h>

#include "sock.h"

void zc_sock_eof(struct socket *sock, enum zc_sock_kind kind);

#endif /* ZCOPY_SOCK_EOF_H */
