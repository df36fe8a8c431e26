/* A bump allocator for per-step tensors: allocation is a pointer increment, and the whole
 * step's memory goes back at once with arena_reset. When a step needs more than one block,
 * the next reset replaces the blocks with one block of the peak size, so a steady run
 * allocates nothing after its first step. */
#ifndef MADSWEEP_ARENA_H
#define MADSWEEP_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block_t;

typedef struct arena {
    arena_block_t *head; /* newest block first */
    size_t used_total;   /* bytes handed out since the last reset, over all blocks */
    size_t peak;         /* largest used_total seen */
} arena_t;

void arena_init(arena_t *a);
void arena_free(arena_t *a);
void arena_reset(arena_t *a);
/* 64-byte aligned memory, uninitialised; NULL (with an error recorded) when out of memory. */
void *arena_alloc(arena_t *a, size_t bytes);
/* As arena_alloc, zero-filled. */
void *arena_calloc(arena_t *a, size_t bytes);

#endif
