/* HDF5 helpers: files, groups and whole datasets (attributes: h5attr.c, tables: h5table.c).
 * Every public function keeps HDF5 quiet for its own calls (see h5util.h) and reports a
 * failure once, naming the file and the object. */
#define _POSIX_C_SOURCE 200809L

#include "madsweep/h5util.h"

#include "madsweep/error.h"
#include "h5util_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

h5_quiet_t h5_quiet_begin(void)
{
    h5_quiet_t saved = {NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &saved.func, &saved.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return saved;
}

void h5_quiet_end(h5_quiet_t saved) { H5Eset_auto2(H5E_DEFAULT, saved.func, saved.data); }

h5_where_t h5_where_of(hid_t loc, const char *name)
{
    h5_where_t w;
    char base[256] = "";
    if (H5Fget_name(loc, w.file, sizeof w.file) < 0)
        snprintf(w.file, sizeof w.file, "?");
    if (H5Iget_name(loc, base, sizeof base) < 0)
        base[0] = '\0';
    size_t n = strlen(base);
    if (!name)
        snprintf(w.object, sizeof w.object, "%s", n ? base : "/");
    else if (name[0] == '/' || n == 0)
        snprintf(w.object, sizeof w.object, "%s", name);
    else
        snprintf(w.object, sizeof w.object, "%s%s%s", base, base[n - 1] == '/' ? "" : "/", name);
    return w;
}

int h5_fail_at_object(hid_t loc, const char *name, const char *what, const char *advice)
{
    h5_where_t w = h5_where_of(loc, name);
    return ms_fail(MS_ERR_RUN, "HDF5 file '%s': cannot %s '%s' (%s)", w.file, what, w.object,
                   advice);
}

/* Files: strong close, so h5_close leaves nothing of the file open behind it. */

static hid_t file_access_list(void)
{
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl >= 0 && H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        H5Pclose(fapl);
        return H5I_INVALID_HID;
    }
    return fapl;
}

hid_t h5_create(const char *path) { return h5_create_as(path, "HDF5 file"); }

hid_t h5_create_as(const char *path, const char *what)
{
    if (!path || !*path)
        return ms_fail(MS_ERR_INPUT, "cannot create %s: the path is empty", what), H5I_INVALID_HID;
    h5_quiet_t q = h5_quiet_begin();
    hid_t fapl = file_access_list();
    errno = 0;
    hid_t file = fapl < 0 ? H5I_INVALID_HID : H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    /* The sec2 driver's open() leaves errno set; it is the most useful part of the message. */
    int err = errno;
    if (fapl >= 0)
        H5Pclose(fapl);
    h5_quiet_end(q);
    if (file < 0)
        ms_fail(MS_ERR_RUN,
                "cannot create %s '%s': %s (check that the folder exists and is writable)", what,
                path, err ? strerror(err) : "HDF5 refused to create it");
    return file;
}

hid_t h5_open(const char *path, int writable)
{
    if (!path || !*path)
        return ms_fail(MS_ERR_INPUT, "cannot open HDF5 file: the path is empty"), H5I_INVALID_HID;
    h5_quiet_t q = h5_quiet_begin();
    hid_t fapl = file_access_list();
    hid_t file =
        fapl < 0 ? H5I_INVALID_HID : H5Fopen(path, writable ? H5F_ACC_RDWR : H5F_ACC_RDONLY, fapl);
    if (fapl >= 0)
        H5Pclose(fapl);
    h5_quiet_end(q);
    if (file >= 0)
        return file;
    if (access(path, writable ? R_OK | W_OK : R_OK) != 0)
        ms_fail(MS_ERR_RUN,
                "cannot open HDF5 file '%s' %s: %s (check the path and its permissions)", path,
                writable ? "for writing" : "for reading", strerror(errno));
    else
        ms_fail(MS_ERR_RUN,
                "cannot open HDF5 file '%s': not an HDF5 file, damaged, or locked by another "
                "process (check the file; on shared file systems try HDF5_USE_FILE_LOCKING=FALSE)",
                path);
    return H5I_INVALID_HID;
}

int h5_flush(hid_t file)
{
    h5_quiet_t q = h5_quiet_begin();
    int rc = H5Fflush(file, H5F_SCOPE_GLOBAL) < 0
                 ? h5_fail_at_object(file, NULL, "flush", "check free space and the file system")
                 : 0;
    h5_quiet_end(q);
    return rc;
}

int h5_close(hid_t file)
{
    if (file < 0)
        return 0;
    h5_quiet_t q = h5_quiet_begin();
    h5_where_t w = h5_where_of(file, NULL);
    int rc = 0;
    if (H5Fclose(file) < 0)
        rc = ms_fail(MS_ERR_RUN,
                     "cannot close HDF5 file '%s': its data may be incomplete on disk (check free "
                     "space and the file system)",
                     w.file);
    h5_quiet_end(q);
    return rc;
}

/* Link creation that makes missing intermediate groups ("checkpoint/params"). */
hid_t h5_link_create_list(void)
{
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    if (lcpl >= 0 && H5Pset_create_intermediate_group(lcpl, 1) < 0) {
        H5Pclose(lcpl);
        return H5I_INVALID_HID;
    }
    return lcpl;
}

hid_t h5_group(hid_t loc, const char *name)
{
    h5_quiet_t q = h5_quiet_begin();
    hid_t group = H5Gopen2(loc, name, H5P_DEFAULT);
    if (group < 0) {
        hid_t lcpl = h5_link_create_list();
        if (lcpl >= 0) {
            group = H5Gcreate2(loc, name, lcpl, H5P_DEFAULT, H5P_DEFAULT);
            H5Pclose(lcpl);
        }
    }
    if (group < 0)
        h5_fail_at_object(loc, name, "create group",
                          "check that no dataset has that name and the file is writable");
    h5_quiet_end(q);
    return group;
}

hid_t h5_string_type(void)
{
    hid_t type = H5Tcopy(H5T_C_S1);
    if (type < 0)
        return H5I_INVALID_HID;
    if (H5Tset_size(type, H5T_VARIABLE) < 0 || H5Tset_cset(type, H5T_CSET_UTF8) < 0) {
        H5Tclose(type);
        return H5I_INVALID_HID;
    }
    return type;
}

static hid_t space_create(int ndim, const hsize_t *dims)
{
    return ndim == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(ndim, dims, NULL);
}

/* Opens name for overwriting when it has this type and shape; otherwise unlinks it and makes
 * a new one, so a checkpoint rewritten every epoch does not grow the file. */
static hid_t dataset_replace(hid_t loc, const char *name, hid_t file_type, hid_t space)
{
    hid_t dset = H5Lexists(loc, name, H5P_DEFAULT) > 0 ? H5Dopen2(loc, name, H5P_DEFAULT) : -1;
    if (dset >= 0) {
        hid_t old_type = H5Dget_type(dset), old_space = H5Dget_space(dset);
        int same = old_type >= 0 && old_space >= 0 && H5Tequal(old_type, file_type) > 0 &&
                   H5Sextent_equal(old_space, space) > 0;
        if (old_type >= 0)
            H5Tclose(old_type);
        if (old_space >= 0)
            H5Sclose(old_space);
        if (same)
            return dset;
        H5Dclose(dset);
        if (H5Ldelete(loc, name, H5P_DEFAULT) < 0)
            return H5I_INVALID_HID;
    }
    hid_t lcpl = h5_link_create_list();
    if (lcpl < 0)
        return H5I_INVALID_HID;
    dset = H5Dcreate2(loc, name, file_type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    return dset;
}

static int dataset_write(hid_t loc, const char *name, hid_t file_type, hid_t mem_type,
                         const void *data, int ndim, const hsize_t *dims)
{
    h5_quiet_t q = h5_quiet_begin();
    int rc = 0;
    if (ndim < 0 || ndim > H5UTIL_MAX_NDIM || (ndim > 0 && !dims) || !data) {
        rc = h5_fail_at_object(loc, name, "write dataset",
                               "bad arguments: ndim must be 0..4 with dims and data given");
        h5_quiet_end(q);
        return rc;
    }
    hid_t space = space_create(ndim, dims);
    hid_t dset = space < 0 || file_type < 0 ? -1 : dataset_replace(loc, name, file_type, space);
    if (dset < 0 || H5Dwrite(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        rc = h5_fail_at_object(loc, name, "write dataset",
                               "check free space and that the file is writable");
    if (dset >= 0)
        H5Dclose(dset);
    if (space >= 0)
        H5Sclose(space);
    h5_quiet_end(q);
    return rc;
}

int h5_write_int32(hid_t loc, const char *name, const int32_t *data, int ndim, const hsize_t *dims)
{
    return dataset_write(loc, name, H5T_STD_I32LE, H5T_NATIVE_INT32, data, ndim, dims);
}

int h5_write_float(hid_t loc, const char *name, const float *data, int ndim, const hsize_t *dims)
{
    return dataset_write(loc, name, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, data, ndim, dims);
}

int h5_write_double(hid_t loc, const char *name, const double *data, int ndim, const hsize_t *dims)
{
    return dataset_write(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, data, ndim, dims);
}

int h5_write_string(hid_t loc, const char *name, const char *value)
{
    hid_t type = h5_string_type();
    int rc = dataset_write(loc, name, type, type, value ? (const void *)&value : NULL, 0, NULL);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

/* Reads dataset name, whose type must be of class cls, converting to mem_type. */
static int dataset_read(hid_t loc, const char *name, H5T_class_t cls, hid_t mem_type, size_t elem,
                        void **data, int *ndim, hsize_t *dims)
{
    h5_quiet_t q = h5_quiet_begin();
    int rc = 0;
    void *buf = NULL;
    hid_t type = -1, space = -1, dset = H5Dopen2(loc, name, H5P_DEFAULT);
    if (dset < 0) {
        rc = h5_fail_at_object(loc, name, "open dataset",
                               "check that the file was written completely");
        goto done;
    }
    type = H5Dget_type(dset);
    space = H5Dget_space(dset);
    int nd = space < 0 ? -1 : H5Sget_simple_extent_dims(space, NULL, NULL);
    if (type < 0 || H5Tget_class(type) != cls || nd < 0 || nd > H5UTIL_MAX_NDIM) {
        rc = h5_fail_at_object(loc, name, "read dataset",
                               "it has the wrong element type or more than 4 dimensions");
        goto done;
    }
    H5Sget_simple_extent_dims(space, dims, NULL);
    hssize_t count = H5Sget_simple_extent_npoints(space);
    buf = count < 0 || (size_t)count > SIZE_MAX / elem ? NULL
                                                       : malloc((count ? (size_t)count : 1) * elem);
    if (!buf) {
        rc = h5_fail_at_object(loc, name, "allocate memory to read", "the dataset is too large");
        goto done;
    }
    if (H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        rc = h5_fail_at_object(loc, name, "read dataset", "the file may be damaged");
        goto done;
    }
    *ndim = nd;
    *data = buf;
    buf = NULL;
done:
    free(buf);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (dset >= 0)
        H5Dclose(dset);
    h5_quiet_end(q);
    return rc;
}

int h5_read_float(hid_t loc, const char *name, float **data, int *ndim, hsize_t *dims)
{
    return dataset_read(loc, name, H5T_FLOAT, H5T_NATIVE_FLOAT, sizeof **data, (void **)data, ndim,
                        dims);
}

int h5_read_double(hid_t loc, const char *name, double **data, int *ndim, hsize_t *dims)
{
    return dataset_read(loc, name, H5T_FLOAT, H5T_NATIVE_DOUBLE, sizeof **data, (void **)data, ndim,
                        dims);
}

int h5_read_int32(hid_t loc, const char *name, int32_t **data, int *ndim, hsize_t *dims)
{
    return dataset_read(loc, name, H5T_INTEGER, H5T_NATIVE_INT32, sizeof **data, (void **)data,
                        ndim, dims);
}

int h5_string_read(hid_t obj, int is_attr, char **value)
{
    int rc = -1;
    hid_t mem = -1, type = is_attr ? H5Aget_type(obj) : H5Dget_type(obj);
    hid_t space = is_attr ? H5Aget_space(obj) : H5Dget_space(obj);
    if (type < 0 || space < 0 || H5Tget_class(type) != H5T_STRING ||
        H5Sget_simple_extent_npoints(space) != 1)
        goto done;
    if (H5Tis_variable_str(type) > 0) {
        char *s = NULL;
        if ((mem = h5_string_type()) < 0 ||
            (is_attr ? H5Aread(obj, mem, &s)
                     : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, &s)) < 0)
            goto done;
        *value = strdup(s ? s : "");
#if H5_VERSION_GE(1, 12, 0)
        H5Treclaim(mem, space, H5P_DEFAULT, &s);
#else
        H5Dvlen_reclaim(mem, space, H5P_DEFAULT, &s);
#endif
        rc = *value ? 0 : -1;
    } else {
        size_t size = H5Tget_size(type) + 1;
        char *s = calloc(size, 1);
        if (!s || (mem = H5Tcopy(type)) < 0 || H5Tset_size(mem, size) < 0 ||
            H5Tset_strpad(mem, H5T_STR_NULLTERM) < 0 ||
            (is_attr ? H5Aread(obj, mem, s) : H5Dread(obj, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, s)) <
                0) {
            free(s);
            goto done;
        }
        *value = s;
        rc = 0;
    }
done:
    if (mem >= 0)
        H5Tclose(mem);
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

int h5_read_string(hid_t loc, const char *name, char **value)
{
    h5_quiet_t q = h5_quiet_begin();
    hid_t dset = H5Dopen2(loc, name, H5P_DEFAULT);
    int rc = dset < 0 || h5_string_read(dset, 0, value) != 0
                 ? h5_fail_at_object(loc, name, "read string dataset",
                                     "check that it exists and holds one string")
                 : 0;
    if (dset >= 0)
        H5Dclose(dset);
    h5_quiet_end(q);
    return rc;
}
