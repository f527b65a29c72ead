/* SPDX-License-Identifier: MIT */
/*
 * asm/page.h, generic: PAGE_SIZE, the bytes in one MeMS page.
 *
 * CONFIG_MEMS_PAGE_SIZE wins when set; otherwise the page size of the
 * running kernel, asked once and cached, since it is not known at
 * compile time on every architecture.
 */
#ifndef MEMS_ASM_PAGE_H
#define MEMS_ASM_PAGE_H

#include <stddef.h>

size_t mems_os_page_size(void); /* core/os.c */

#if CONFIG_MEMS_PAGE_SIZE > 0
#define PAGE_SIZE ((size_t)CONFIG_MEMS_PAGE_SIZE)
#else
#define PAGE_SIZE mems_os_page_size()
#endif

#endif /* MEMS_ASM_PAGE_H */
