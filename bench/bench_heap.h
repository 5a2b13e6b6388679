/* Heap accounting for the memory measurements: counting malloc/realloc/free
 * installed with event_set_mem_functions, so every byte the library asks
 * for is seen, whichever library is loaded.  Each block carries a small
 * header with its requested size, so frees and reallocs subtract exactly
 * what was added: "live bytes" is the sum of the sizes the library
 * requested and has not freed yet (allocator overhead not included). */
#ifndef BENCH_HEAP_H
#define BENCH_HEAP_H

/* Installs the counting functions.  Must run before the library allocates
 * anything (before the first event_base_new). */
void bench_heap_count(void);

/* Bytes the library holds right now, and how many allocations it made. */
long long bench_heap_live_bytes(void);
long long bench_heap_allocations(void);

/* Prints the line bench/compare reads for a memory measurement:
 *   metric name=<name> value=<value> unit=<unit> */
void bench_print_metric(const char* name, double value, const char* unit);

#endif /* BENCH_HEAP_H */
