#include "madsweep/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "madsweep/error.h"

enum { ARENA_ALIGN = 64, ARENA_MIN_BLOCK = 1 << 20 };

struct arena_block {
    arena_block_t *next;
    size_t size, used;
    unsigned char *data;
};

static size_t round_up(size_t n) { return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1); }

static arena_block_t *block_new(size_t size)
{
    arena_block_t *b = malloc(sizeof *b);
    if (!b)
        return NULL;
    b->data = aligned_alloc(ARENA_ALIGN, round_up(size));
    if (!b->data) {
        free(b);
        return NULL;
    }
    b->size = round_up(size);
    b->used = 0;
    b->next = NULL;
    return b;
}

static void blocks_free(arena_block_t *b)
{
    while (b) {
        arena_block_t *next = b->next;
        free(b->data);
        free(b);
        b = next;
    }
}

void arena_init(arena_t *a) { memset(a, 0, sizeof *a); }

void arena_free(arena_t *a)
{
    blocks_free(a->head);
    arena_init(a);
}

void arena_reset(arena_t *a)
{
    if (a->head && a->head->next) {
        /* Several blocks: swap them for one that holds the whole peak. */
        size_t peak = a->peak;
        blocks_free(a->head);
        a->head = block_new(peak); /* on failure, the next alloc starts over */
    }
    if (a->head)
        a->head->used = 0;
    a->used_total = 0;
}

void *arena_alloc(arena_t *a, size_t bytes)
{
    size_t n = round_up(bytes ? bytes : 1);
    if (!a->head || a->head->used + n > a->head->size) {
        size_t want = n > ARENA_MIN_BLOCK ? n : ARENA_MIN_BLOCK;
        if (a->head && want < 2 * a->head->size)
            want = 2 * a->head->size;
        arena_block_t *b = block_new(want);
        if (!b) {
            ms_fail(MS_ERR_RUN, "out of memory: could not allocate %zu bytes for step tensors "
                                "(lower the batch or sequence length, or give the rank more memory)",
                    want);
            return NULL;
        }
        b->next = a->head;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    a->used_total += n;
    if (a->used_total > a->peak)
        a->peak = a->used_total;
    return p;
}

void *arena_calloc(arena_t *a, size_t bytes)
{
    void *p = arena_alloc(a, bytes);
    if (p)
        memset(p, 0, bytes);
    return p;
}
