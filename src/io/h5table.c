/* HDF5 helpers: tables, 1-D chunked compound datasets that grow by appending rows. */
#include "madsweep/h5util.h"
#include "h5util_internal.h"

hid_t h5_table_create(hid_t loc, const char *name, hid_t row_type, hsize_t chunk_rows)
{
    h5_quiet_t q = h5_quiet_begin();
    hsize_t zero = 0, unlimited = H5S_UNLIMITED, chunk = chunk_rows ? chunk_rows : 1;
    hid_t dset = -1, file_type = H5Tcopy(row_type);
    hid_t space = H5Screate_simple(1, &zero, &unlimited);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hid_t lcpl = h5_link_create_list();
    /* Packed in the file: no struct padding on disk, and h5py shows plain columns. */
    if (file_type >= 0 && space >= 0 && dcpl >= 0 && lcpl >= 0 && H5Tpack(file_type) >= 0 &&
        H5Pset_chunk(dcpl, 1, &chunk) >= 0)
        dset = H5Dcreate2(loc, name, file_type, space, lcpl, dcpl, H5P_DEFAULT);
    if (dset < 0)
        h5_fail_at_object(loc, name, "create table",
                          "check that the name is free and the file is writable");
    if (lcpl >= 0)
        H5Pclose(lcpl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    if (file_type >= 0)
        H5Tclose(file_type);
    h5_quiet_end(q);
    return dset;
}

int h5_table_append(hid_t table, hid_t row_type, const void *rows, size_t n)
{
    if (n == 0)
        return 0;
    h5_quiet_t q = h5_quiet_begin();
    int rc = 0, extended = 0;
    hsize_t old_rows = 0, count = n;
    hid_t mem = -1, file = -1, space = H5Dget_space(table);
    if (space < 0 || H5Sget_simple_extent_dims(space, &old_rows, NULL) != 1)
        goto fail;
    hsize_t new_rows = old_rows + count;
    if (H5Dset_extent(table, &new_rows) < 0)
        goto fail;
    extended = 1;
    if ((file = H5Dget_space(table)) < 0 ||
        H5Sselect_hyperslab(file, H5S_SELECT_SET, &old_rows, NULL, &count, NULL) < 0 ||
        (mem = H5Screate_simple(1, &count, NULL)) < 0 ||
        H5Dwrite(table, row_type, mem, file, H5P_DEFAULT, rows) < 0)
        goto fail;
    goto done;
fail:
    /* Shrink back, so a retry appends the same rows at the same place. */
    if (extended)
        H5Dset_extent(table, &old_rows);
    rc = h5_fail_at_object(table, NULL, "append rows to table",
                           "check free space and that the file is writable");
done:
    if (mem >= 0)
        H5Sclose(mem);
    if (file >= 0)
        H5Sclose(file);
    if (space >= 0)
        H5Sclose(space);
    h5_quiet_end(q);
    return rc;
}
