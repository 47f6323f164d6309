// SPDX-License-Identifier: GPL-2.0
/* kunit_vm_mmap(): user memory for a KUnit test's own task (6.10). */
#include <linux/mman.h>
#include <linux/module.h>
#include <kunit/test.h>
unsigned long zc_probe(struct kunit *test);
unsigned long zc_probe(struct kunit *test)
{
	return kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
}
MODULE_LICENSE("GPL");
