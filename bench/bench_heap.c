/* Counting heap functions for the memory measurements (see bench_heap.h). */
#include "bench_heap.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "bench_common.h"

/* The header keeps the returned pointer as aligned as malloc's own. */
#define HEADER_SIZE 16

static long long live_bytes;
static long long allocations;

static void* header_of(void* block) { return (unsigned char*)block - HEADER_SIZE; }

static void* counting_malloc(size_t size) {
  unsigned char* raw = malloc(size + HEADER_SIZE);
  if (!raw) return NULL;
  *(size_t*)raw = size;
  live_bytes += (long long)size;
  allocations++;
  return raw + HEADER_SIZE;
}

static void* counting_realloc(void* block, size_t size) {
  if (!block) return counting_malloc(size);
  size_t old_size = *(size_t*)header_of(block);
  unsigned char* raw = realloc(header_of(block), size + HEADER_SIZE);
  if (!raw) return NULL;
  *(size_t*)raw = size;
  live_bytes += (long long)size - (long long)old_size;
  allocations++;
  return raw + HEADER_SIZE;
}

static void counting_free(void* block) {
  if (!block) return;
  live_bytes -= (long long)*(size_t*)header_of(block);
  free(header_of(block));
}

void bench_heap_count(void) {
  event_set_mem_functions(counting_malloc, counting_realloc, counting_free);
}

long long bench_heap_live_bytes(void) { return live_bytes; }

long long bench_heap_allocations(void) { return allocations; }

void bench_print_metric(const char* name, double value, const char* unit) {
  printf("metric name=%s value=%.1f unit=%s\n", name, value, unit);
  fflush(stdout);
}
