// SPDX-License-Identifier: GPL-2.0
/* <kunit/static_stub.h>: a suite replaces a function for its test (6.2). */
#include <linux/module.h>
#include <kunit/static_stub.h>
int zc_probe(int x);
int zc_probe(int x)
{
	KUNIT_STATIC_STUB_REDIRECT(zc_probe, x);
	return x;
}
MODULE_LICENSE("GPL");
