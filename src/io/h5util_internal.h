/* Shared by h5util.c, h5attr.c and h5table.c only; the public helpers are in madsweep/h5util.h. */
#ifndef MADSWEEP_H5UTIL_INTERNAL_H
#define MADSWEEP_H5UTIL_INTERNAL_H

#include <hdf5.h>

/* Where a failure happened, for messages: the file's path and the object's path in it. */
typedef struct h5_where {
    char file[256];
    char object[512];
} h5_where_t;

/* The file and object path of loc, or of name relative to loc when name is not NULL. */
h5_where_t h5_where_of(hid_t loc, const char *name);
/* Records "HDF5 file 'f': cannot <what> '<object>' (<advice>)"; returns MS_ERR_RUN. */
int h5_fail_at_object(hid_t loc, const char *name, const char *what, const char *advice);
/* Link creation properties that make missing intermediate groups (caller closes). */
hid_t h5_link_create_list(void);
/* A variable-length UTF-8 string type (caller closes), used in memory and in the file. */
hid_t h5_string_type(void);
/* Reads the one string of an open dataset or attribute (is_attr), variable or fixed length,
 * into a malloc'd copy. Returns 0, or -1 without recording a message. */
int h5_string_read(hid_t obj, int is_attr, char **value);

#endif
