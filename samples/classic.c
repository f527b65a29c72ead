// SPDX-License-Identifier: MIT
/*
 * samples/classic.c - the classic course demo of MeMS.
 *
 * Ten arrays of 250 ints, a write through one element's physical address
 * read back through another's, then a free and a new allocation that
 * shows where the configured placement policy puts it.  `make run`
 * builds and runs it; its output per policy is fixed by the contract.
 */
#include "mems.h"

int main(void)
{
	int *ptr[10];
	int *phy_ptr, *phy_ptr2;
	int i;

	mems_init();

	printf("\n------- Allocated virtual addresses [mems_malloc] -------\n");
	for (i = 0; i < 10; i++) {
		ptr[i] = (int *)mems_malloc(sizeof(int) * 250);
		printf("Virtual address: %lu\n", (unsigned long)ptr[i]);
	}

	/*
	 * Virtual addresses are not pointers to memory, but pointer
	 * arithmetic on them still names elements: &ptr[0][1] is the
	 * virtual address of element 1.
	 */
	printf("\n------ Assigning value to Virtual address [mems_get] -----\n");
	phy_ptr = (int *)mems_get(&ptr[0][1]);
	phy_ptr[0] = 200;
	phy_ptr2 = (int *)mems_get(&ptr[0][0]);
	printf("Virtual address: %lu\tPhysical Address: %lu\n",
	       (unsigned long)ptr[0], (unsigned long)phy_ptr2);
	printf("Value written: %d\n", phy_ptr2[1]);

	printf("\n--------- Printing Stats [mems_print_stats] --------\n");
	mems_print_stats();

	printf("\n--------- Freeing up the memory [mems_free] --------\n");
	mems_free(ptr[3]);
	mems_print_stats();
	ptr[3] = (int *)mems_malloc(sizeof(int) * 250);
	mems_print_stats();

	printf("\n--------- Unmapping all memory [mems_finish] --------\n\n");
	mems_finish();
	return 0;
}
