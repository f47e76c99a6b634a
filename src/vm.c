/* vm.c: not written yet */
