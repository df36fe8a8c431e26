/* Thin helpers over the HDF5 C API for the files madsweep writes and reads. Each returns a
 * status (0 on success) and, on failure, records a message that names the file path and the
 * object. Strings are variable-length UTF-8 throughout.
 *
 * HDF5 prints its own error stack to stderr by default. Every function here silences that
 * printing only for the duration of its own HDF5 calls and then restores whatever handler the
 * caller had, so a failure is reported once, through ms_fail, while HDF5 calls made elsewhere
 * still print (which is how programming errors show up). Code that calls HDF5 directly and
 * reports failures itself can do the same with h5_quiet_begin/h5_quiet_end. */
#ifndef MADSWEEP_H5UTIL_H
#define MADSWEEP_H5UTIL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/* The most dimensions a dataset written or read here may have. */
#define H5UTIL_MAX_NDIM 4

/* The caller's HDF5 automatic error handler, saved while HDF5 is kept quiet. */
typedef struct h5_quiet {
    H5E_auto2_t func;
    void *data;
} h5_quiet_t;

h5_quiet_t h5_quiet_begin(void);
void h5_quiet_end(h5_quiet_t saved);

/* Creates (truncates) path; H5I_INVALID_HID with an error naming path on failure. */
hid_t h5_create(const char *path);
/* The same, with what ("run log", "checkpoint") naming the file in the error message. */
hid_t h5_create_as(const char *path, const char *what);
/* Opens an existing file read-only or read-write. */
hid_t h5_open(const char *path, int writable);
/* Flushes the file's buffers to disk (H5Fflush, global scope). */
int h5_flush(hid_t file);
/* Closes the file and everything still open in it (files from h5_create/h5_open close
 * strongly). Safe on H5I_INVALID_HID. */
int h5_close(hid_t file);
/* Creates group name (with intermediate groups), or opens it when it exists, and returns it;
 * caller closes with H5Gclose. */
hid_t h5_group(hid_t loc, const char *name);

/* Whole datasets of fixed shape; dims has ndim entries (ndim 0 = scalar, at most
 * H5UTIL_MAX_NDIM). Intermediate groups in name are created. An existing dataset is
 * overwritten in place when its type and shape match and replaced otherwise. */
int h5_write_int32(hid_t loc, const char *name, const int32_t *data, int ndim, const hsize_t *dims);
int h5_write_float(hid_t loc, const char *name, const float *data, int ndim, const hsize_t *dims);
int h5_write_double(hid_t loc, const char *name, const double *data, int ndim, const hsize_t *dims);
int h5_write_string(hid_t loc, const char *name, const char *value); /* scalar string dataset */

/* Reads a whole dataset into a malloc'd buffer (the caller frees it); the shape goes to dims
 * (up to H5UTIL_MAX_NDIM) and ndim. The stored type must be of the same class (integer,
 * float); HDF5 converts sizes. */
int h5_read_float(hid_t loc, const char *name, float **data, int *ndim, hsize_t *dims);
int h5_read_double(hid_t loc, const char *name, double **data, int *ndim, hsize_t *dims);
int h5_read_int32(hid_t loc, const char *name, int32_t **data, int *ndim, hsize_t *dims);
int h5_read_string(hid_t loc, const char *name, char **value); /* malloc'd */

/* Attributes on an object (file, group or dataset); an existing attribute is replaced. */
int h5_attr_string(hid_t obj, const char *name, const char *value);
int h5_attr_double(hid_t obj, const char *name, double value);
int h5_attr_int64(hid_t obj, const char *name, int64_t value);

/* Reads a scalar attribute; strings (variable or fixed length) come back malloc'd. */
int h5_read_attr_string(hid_t obj, const char *name, char **value);
int h5_read_attr_double(hid_t obj, const char *name, double *value);
int h5_read_attr_int64(hid_t obj, const char *name, int64_t *value);

/* Tables: 1-D chunked datasets of a compound row type that grow without limit. row_type is
 * the in-memory compound type (H5Tinsert at offsetof); the file stores a packed copy with the
 * same member names. Returns the dataset (caller closes with H5Dclose) or H5I_INVALID_HID. */
hid_t h5_table_create(hid_t loc, const char *name, hid_t row_type, hsize_t chunk_rows);
/* Appends n rows; on failure the table keeps its previous length. */
int h5_table_append(hid_t table, hid_t row_type, const void *rows, size_t n);

#endif
