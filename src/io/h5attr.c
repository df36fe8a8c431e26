/* HDF5 helpers: attributes. Replaced by deleting the old one, since its type may differ. */
#define _POSIX_C_SOURCE 200809L

#include "madsweep/error.h"
#include "madsweep/h5util.h"
#include "h5util_internal.h"

#include <stdio.h>

static int attr_write(hid_t obj, const char *name, hid_t type, const void *value)
{
    h5_quiet_t q = h5_quiet_begin();
    int rc = 0;
    hid_t attr = -1, space = H5Screate(H5S_SCALAR);
    if (!name || !*name || type < 0 || space < 0 ||
        (H5Aexists(obj, name) > 0 && H5Adelete(obj, name) < 0) ||
        (attr = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT)) < 0 ||
        H5Awrite(attr, type, value) < 0) {
        h5_where_t w = h5_where_of(obj, NULL);
        rc = ms_fail(MS_ERR_RUN,
                     "HDF5 file '%s': cannot write attribute '%s' of '%s' (check that "
                     "the name is not empty and the file is writable)",
                     w.file, name ? name : "", w.object);
    }
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    h5_quiet_end(q);
    return rc;
}

int h5_attr_string(hid_t obj, const char *name, const char *value)
{
    hid_t type = h5_string_type();
    const char *s = value ? value : "";
    int rc = attr_write(obj, name, type, &s);
    if (type >= 0)
        H5Tclose(type);
    return rc;
}

int h5_attr_double(hid_t obj, const char *name, double value)
{
    return attr_write(obj, name, H5T_NATIVE_DOUBLE, &value);
}

int h5_attr_int64(hid_t obj, const char *name, int64_t value)
{
    return attr_write(obj, name, H5T_NATIVE_INT64, &value);
}

/* Reads scalar attribute name of class cls (H5T_STRING: into a malloc'd string). */
static int attr_read(hid_t obj, const char *name, H5T_class_t cls, hid_t mem_type, void *value)
{
    h5_quiet_t q = h5_quiet_begin();
    hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
    hid_t type = attr < 0 ? -1 : H5Aget_type(attr);
    hid_t space = attr < 0 ? -1 : H5Aget_space(attr);
    int ok = type >= 0 && space >= 0 && H5Tget_class(type) == cls &&
             H5Sget_simple_extent_npoints(space) == 1;
    if (ok)
        ok = cls == H5T_STRING ? h5_string_read(attr, 1, value) == 0
                               : H5Aread(attr, mem_type, value) >= 0;
    int rc = 0;
    if (!ok) {
        h5_where_t w = h5_where_of(obj, NULL);
        rc = ms_fail(MS_ERR_RUN,
                     "HDF5 file '%s': cannot read attribute '%s' of '%s' (check that it "
                     "exists and holds one %s)",
                     w.file, name ? name : "", w.object,
                     cls == H5T_STRING    ? "string"
                     : cls == H5T_INTEGER ? "integer"
                                          : "number");
    }
    if (space >= 0)
        H5Sclose(space);
    if (type >= 0)
        H5Tclose(type);
    if (attr >= 0)
        H5Aclose(attr);
    h5_quiet_end(q);
    return rc;
}

int h5_read_attr_string(hid_t obj, const char *name, char **value)
{
    return attr_read(obj, name, H5T_STRING, -1, value);
}

int h5_read_attr_double(hid_t obj, const char *name, double *value)
{
    return attr_read(obj, name, H5T_FLOAT, H5T_NATIVE_DOUBLE, value);
}

int h5_read_attr_int64(hid_t obj, const char *name, int64_t *value)
{
    return attr_read(obj, name, H5T_INTEGER, H5T_NATIVE_INT64, value);
}
