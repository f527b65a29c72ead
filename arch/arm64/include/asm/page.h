/* SPDX-License-Identifier: MIT */
/*
 * asm/page.h for arm64: PAGE_SIZE, the bytes in one MeMS page.
 *
 * An arm64 kernel runs with 4, 16 or 64 KiB pages, chosen when it was
 * built, so a binary cannot know its page size in advance: the generic
 * run-time answer is the right one here.
 */
#ifndef MEMS_ASM_ARM64_PAGE_H
#define MEMS_ASM_ARM64_PAGE_H

#include_next <asm/page.h>

#endif /* MEMS_ASM_ARM64_PAGE_H */
