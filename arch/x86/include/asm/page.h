/* SPDX-License-Identifier: MIT */
/*
 * asm/page.h for x86: PAGE_SIZE, the bytes in one MeMS page.
 *
 * CONFIG_MEMS_PAGE_SIZE wins when set; otherwise the x86 base page, which
 * is always 4 KiB, so no system call is needed to learn it.
 */
#ifndef MEMS_ASM_PAGE_H
#define MEMS_ASM_PAGE_H

#include <stddef.h>

#if CONFIG_MEMS_PAGE_SIZE > 0
#define PAGE_SIZE ((size_t)CONFIG_MEMS_PAGE_SIZE)
#else
#define PAGE_SIZE ((size_t)4096)
#endif

#endif /* MEMS_ASM_PAGE_H */
