/* h5util: datasets and attributes round-trip with their shapes and types, strings are
 * variable-length UTF-8, writes replace, and failures name the file and object quietly. */
#define _POSIX_C_SOURCE 200809L

#include "madsweep/error.h"
#include "madsweep/h5util.h"

#include "cunit_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh folder per test, so tests share nothing on disk. */
typedef struct scratch {
    char dir[64];
    char path[128];
} scratch_t;

static int scratch_open(scratch_t *s, const char *file)
{
    snprintf(s->dir, sizeof s->dir, "/tmp/madsweep_h5util_XXXXXX");
    if (!mkdtemp(s->dir))
        return -1;
    snprintf(s->path, sizeof s->path, "%s/%s", s->dir, file);
    return 0;
}

static void scratch_close(scratch_t *s)
{
    unlink(s->path);
    rmdir(s->dir);
}

static hid_t scratch_file(scratch_t *s)
{
    CU_ASSERT_FATAL(scratch_open(s, "t.h5") == 0);
    hid_t f = h5_create(s->path);
    CU_ASSERT_FATAL(f >= 0);
    return f;
}

static void test_int32_dataset_round_trips_with_shape(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    int32_t data[6] = {1, -2, 3, 2147483647, -2147483647 - 1, 0};
    hsize_t dims[2] = {2, 3}, got_dims[H5UTIL_MAX_NDIM] = {0};
    int32_t *got = NULL;
    int ndim = -1;
    CU_ASSERT_EQUAL(h5_write_int32(f, "ints", data, 2, dims), 0);
    CU_ASSERT_EQUAL(h5_read_int32(f, "ints", &got, &ndim, got_dims), 0);
    CU_ASSERT_EQUAL(ndim, 2);
    CU_ASSERT(got_dims[0] == 2 && got_dims[1] == 3);
    CU_ASSERT(got && memcmp(got, data, sizeof data) == 0);
    free(got);
    h5_close(f);
    scratch_close(&s);
}

static void test_float_dataset_round_trips_with_shape_in_nested_group(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    float data[24];
    for (int i = 0; i < 24; i++)
        data[i] = 0.25f * (float)i - 3.0f;
    hsize_t dims[3] = {2, 3, 4}, got_dims[H5UTIL_MAX_NDIM] = {0};
    float *got = NULL;
    int ndim = -1;
    CU_ASSERT_EQUAL(h5_write_float(f, "checkpoint/params", data, 3, dims), 0);
    CU_ASSERT_EQUAL(h5_read_float(f, "checkpoint/params", &got, &ndim, got_dims), 0);
    CU_ASSERT_EQUAL(ndim, 3);
    CU_ASSERT(got_dims[0] == 2 && got_dims[1] == 3 && got_dims[2] == 4);
    CU_ASSERT(got && memcmp(got, data, sizeof data) == 0);
    free(got);
    h5_close(f);
    scratch_close(&s);
}

static void test_double_dataset_round_trips_as_scalar_and_vector(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    double scalar = 0.1, vec[3] = {1e-300, -2.5, 1e300};
    hsize_t dims[1] = {3}, got_dims[H5UTIL_MAX_NDIM] = {0};
    double *got = NULL;
    int ndim = -1;
    CU_ASSERT_EQUAL(h5_write_double(f, "scalar", &scalar, 0, NULL), 0);
    CU_ASSERT_EQUAL(h5_write_double(f, "vec", vec, 1, dims), 0);
    CU_ASSERT_EQUAL(h5_read_double(f, "scalar", &got, &ndim, got_dims), 0);
    CU_ASSERT_EQUAL(ndim, 0);
    CU_ASSERT(got && got[0] == scalar);
    free(got);
    got = NULL;
    CU_ASSERT_EQUAL(h5_read_double(f, "vec", &got, &ndim, got_dims), 0);
    CU_ASSERT(ndim == 1 && got_dims[0] == 3);
    CU_ASSERT(got && memcmp(got, vec, sizeof vec) == 0);
    free(got);
    h5_close(f);
    scratch_close(&s);
}

static int is_vlen_utf8(hid_t type)
{
    return H5Tget_class(type) == H5T_STRING && H5Tis_variable_str(type) > 0 &&
           H5Tget_cset(type) == H5T_CSET_UTF8;
}

static void test_string_dataset_round_trips_as_variable_length_utf8(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    const char *text = "{\"mixer\": \"\xce\xbb-gated\", \"note\": \"\xe2\x86\x92 ok\"}";
    char *got = NULL;
    CU_ASSERT_EQUAL(h5_write_string(f, "config", text), 0);
    CU_ASSERT_EQUAL(h5_read_string(f, "config", &got), 0);
    CU_ASSERT_STRING_EQUAL(got ? got : "", text);
    free(got);
    hid_t d = H5Dopen2(f, "config", H5P_DEFAULT);
    hid_t t = H5Dget_type(d), sp = H5Dget_space(d);
    CU_ASSERT(is_vlen_utf8(t));
    CU_ASSERT_EQUAL(H5Sget_simple_extent_type(sp), H5S_SCALAR);
    H5Sclose(sp);
    H5Tclose(t);
    H5Dclose(d);
    h5_close(f);
    scratch_close(&s);
}

static void test_dataset_write_replaces_existing_of_other_shape(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    float a[4] = {1, 2, 3, 4}, b[2] = {7, 8};
    hsize_t da[1] = {4}, db[2] = {1, 2}, got_dims[H5UTIL_MAX_NDIM] = {0};
    float *got = NULL;
    int ndim = -1;
    CU_ASSERT_EQUAL(h5_write_float(f, "w", a, 1, da), 0);
    CU_ASSERT_EQUAL(h5_write_float(f, "w", b, 2, db), 0);
    CU_ASSERT_EQUAL(h5_read_float(f, "w", &got, &ndim, got_dims), 0);
    CU_ASSERT(ndim == 2 && got_dims[0] == 1 && got_dims[1] == 2);
    CU_ASSERT(got && got[0] == 7 && got[1] == 8);
    free(got);
    h5_close(f);
    scratch_close(&s);
}

static void test_dataset_rewrite_of_same_shape_does_not_grow_file(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    static float params[1 << 16];
    hsize_t dims[1] = {1 << 16};
    hsize_t first = 0, last = 0;
    for (int round = 0; round < 5; round++) {
        params[0] = (float)round;
        CU_ASSERT_EQUAL(h5_write_float(f, "params", params, 1, dims), 0);
        CU_ASSERT_EQUAL(h5_flush(f), 0);
        H5Fget_filesize(f, round == 0 ? &first : &last);
    }
    CU_ASSERT_EQUAL(last, first);
    float *got = NULL;
    int ndim = 0;
    hsize_t got_dims[H5UTIL_MAX_NDIM];
    CU_ASSERT_EQUAL(h5_read_float(f, "params", &got, &ndim, got_dims), 0);
    CU_ASSERT(got && got[0] == 4.0f);
    free(got);
    h5_close(f);
    scratch_close(&s);
}

static void test_attributes_round_trip_with_their_types(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    hid_t g = h5_group(f, "meta");
    CU_ASSERT_FATAL(g >= 0);
    CU_ASSERT_EQUAL(h5_attr_string(g, "host",
                                   "n\xc3\xb6"
                                   "de-1"),
                    0);
    CU_ASSERT_EQUAL(h5_attr_double(g, "lr", 0.001), 0);
    CU_ASSERT_EQUAL(h5_attr_int64(g, "seed", INT64_C(9007199254740993)), 0);
    char *host = NULL;
    double lr = 0;
    int64_t seed = 0;
    CU_ASSERT_EQUAL(h5_read_attr_string(g, "host", &host), 0);
    CU_ASSERT_STRING_EQUAL(host ? host : "", "n\xc3\xb6"
                                             "de-1");
    CU_ASSERT_EQUAL(h5_read_attr_double(g, "lr", &lr), 0);
    CU_ASSERT_EQUAL(lr, 0.001);
    CU_ASSERT_EQUAL(h5_read_attr_int64(g, "seed", &seed), 0);
    CU_ASSERT_EQUAL(seed, INT64_C(9007199254740993));
    free(host);
    hid_t a = H5Aopen(g, "host", H5P_DEFAULT), t = H5Aget_type(a);
    CU_ASSERT(is_vlen_utf8(t));
    H5Tclose(t);
    H5Aclose(a);
    a = H5Aopen(g, "seed", H5P_DEFAULT);
    t = H5Aget_type(a);
    CU_ASSERT(H5Tget_class(t) == H5T_INTEGER && H5Tget_size(t) == 8);
    H5Tclose(t);
    H5Aclose(a);
    H5Gclose(g);
    h5_close(f);
    scratch_close(&s);
}

static herr_t attr_count(hid_t obj, const char *name, const H5A_info_t *info, void *count)
{
    (void)obj, (void)name, (void)info;
    ++*(int *)count;
    return 0;
}

static void test_attribute_write_replaces_existing_even_of_other_type(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    char *got = NULL;
    int64_t n = 0;
    CU_ASSERT_EQUAL(h5_attr_string(f, "rank", "0"), 0);
    CU_ASSERT_EQUAL(h5_attr_string(f, "rank", "3"), 0);
    CU_ASSERT_EQUAL(h5_read_attr_string(f, "rank", &got), 0);
    CU_ASSERT_STRING_EQUAL(got ? got : "", "3");
    free(got);
    CU_ASSERT_EQUAL(h5_attr_int64(f, "rank", 5), 0);
    CU_ASSERT_EQUAL(h5_read_attr_int64(f, "rank", &n), 0);
    CU_ASSERT_EQUAL(n, 5);
    hsize_t index = 0;
    int count = 0;
    H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_NATIVE, &index, attr_count, &count);
    CU_ASSERT_EQUAL(count, 1);
    h5_close(f);
    scratch_close(&s);
}

static void test_group_creates_intermediates_and_reopens_existing(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    hid_t g = h5_group(f, "a/b/c");
    CU_ASSERT(g >= 0);
    CU_ASSERT_EQUAL(h5_attr_int64(g, "x", 1), 0);
    H5Gclose(g);
    g = h5_group(f, "a/b/c");
    CU_ASSERT(g >= 0);
    CU_ASSERT(H5Aexists(g, "x") > 0);
    H5Gclose(g);
    h5_close(f);
    scratch_close(&s);
}

static void test_table_append_grows_rows_in_order(void)
{
    typedef struct {
        int64_t i;
        double v;
    } row_t;
    scratch_t s;
    hid_t f = scratch_file(&s);
    hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(row_t));
    H5Tinsert(type, "i", HOFFSET(row_t, i), H5T_NATIVE_INT64);
    H5Tinsert(type, "v", HOFFSET(row_t, v), H5T_NATIVE_DOUBLE);
    hid_t table = h5_table_create(f, "rows", type, 2);
    CU_ASSERT_FATAL(table >= 0);
    row_t first[3] = {{1, 0.5}, {2, 1.5}, {3, 2.5}}, second[1] = {{4, 3.5}}, got[4];
    CU_ASSERT_EQUAL(h5_table_append(table, type, first, 3), 0);
    CU_ASSERT_EQUAL(h5_table_append(table, type, second, 0), 0);
    CU_ASSERT_EQUAL(h5_table_append(table, type, second, 1), 0);
    hid_t space = H5Dget_space(table);
    CU_ASSERT_EQUAL(H5Sget_simple_extent_npoints(space), 4);
    H5Sclose(space);
    CU_ASSERT(H5Dread(table, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, got) >= 0);
    for (int k = 0; k < 4; k++)
        CU_ASSERT(got[k].i == k + 1 && got[k].v == 0.5 + k);
    H5Dclose(table);
    H5Tclose(type);
    h5_close(f);
    scratch_close(&s);
}

static void test_table_append_failure_keeps_previous_length(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    hid_t type = H5Tcreate(H5T_COMPOUND, sizeof(double));
    H5Tinsert(type, "v", 0, H5T_NATIVE_DOUBLE);
    hid_t table = h5_table_create(f, "rows", type, 16);
    double rows[2] = {1, 2};
    CU_ASSERT_EQUAL(h5_table_append(table, type, rows, 2), 0);
    ms_error_clear();
    /* A string row type cannot convert to the table's compound rows. */
    hid_t wrong = H5Tcopy(H5T_C_S1);
    CU_ASSERT_EQUAL(h5_table_append(table, wrong, rows, 2), MS_ERR_RUN);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "/rows"));
    hid_t space = H5Dget_space(table);
    CU_ASSERT_EQUAL(H5Sget_simple_extent_npoints(space), 2);
    H5Sclose(space);
    H5Tclose(wrong);
    H5Dclose(table);
    H5Tclose(type);
    h5_close(f);
    scratch_close(&s);
}

static void test_close_closes_objects_still_open(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    hid_t g = h5_group(f, "left_open");
    CU_ASSERT_EQUAL(h5_close(f), 0);
    CU_ASSERT(H5Iis_valid(g) <= 0);
    /* Nothing of it stays open, so it opens again read-write. */
    hid_t again = h5_open(s.path, 1);
    CU_ASSERT(again >= 0);
    CU_ASSERT_EQUAL(h5_close(again), 0);
    CU_ASSERT_EQUAL(h5_close(H5I_INVALID_HID), 0);
    scratch_close(&s);
}

static void test_create_in_missing_folder_fails_naming_path(void)
{
    scratch_t s;
    CU_ASSERT_FATAL(scratch_open(&s, "missing/t.h5") == 0);
    ms_error_clear();
    CU_ASSERT(h5_create(s.path) < 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), s.path));
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "No such file or directory"));
    scratch_close(&s);
}

static void test_open_fails_naming_path_for_missing_and_non_hdf5_files(void)
{
    scratch_t s;
    CU_ASSERT_FATAL(scratch_open(&s, "plain.txt") == 0);
    ms_error_clear();
    CU_ASSERT(h5_open(s.path, 0) < 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), s.path));
    FILE *fp = fopen(s.path, "w");
    CU_ASSERT_FATAL(fp != NULL);
    fputs("not hdf5\n", fp);
    fclose(fp);
    ms_error_clear();
    CU_ASSERT(h5_open(s.path, 0) < 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), s.path));
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "not an HDF5 file"));
    scratch_close(&s);
}

static void test_read_of_missing_or_mistyped_dataset_names_file_and_object(void)
{
    scratch_t s;
    hid_t f = scratch_file(&s);
    int32_t one = 1;
    float *got = NULL;
    int ndim = 0;
    hsize_t dims[H5UTIL_MAX_NDIM];
    ms_error_clear();
    CU_ASSERT_NOT_EQUAL(h5_read_float(f, "nope", &got, &ndim, dims), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), s.path));
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "/nope"));
    CU_ASSERT_EQUAL(h5_write_int32(f, "g/count", &one, 0, NULL), 0);
    ms_error_clear();
    CU_ASSERT_NOT_EQUAL(h5_read_float(f, "g/count", &got, &ndim, dims), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(ms_error_message(), "/g/count"));
    CU_ASSERT_PTR_NULL(got);
    h5_close(f);
    scratch_close(&s);
}

static void test_failures_print_nothing_and_restore_callers_handler(void)
{
    scratch_t s;
    CU_ASSERT_FATAL(scratch_open(&s, "stderr.txt") == 0);
    H5E_auto2_t before_func = NULL, after_func = NULL;
    void *before_data = NULL, *after_data = NULL;
    H5Eget_auto2(H5E_DEFAULT, &before_func, &before_data);
    fflush(stderr);
    int saved = dup(2);
    FILE *capture = fopen(s.path, "w");
    CU_ASSERT_FATAL(saved >= 0 && capture != NULL);
    dup2(fileno(capture), 2);
    hid_t f = h5_open("/nonexistent/madsweep.h5", 0);
    char *text = NULL;
    int bad = h5_read_string(H5I_INVALID_HID, "x", &text);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(capture);
    struct stat st;
    CU_ASSERT(f < 0 && bad != 0);
    CU_ASSERT(stat(s.path, &st) == 0 && st.st_size == 0);
    H5Eget_auto2(H5E_DEFAULT, &after_func, &after_data);
    CU_ASSERT(after_func == before_func && after_data == before_data);
    CU_ASSERT_PTR_NOT_NULL(before_func); /* HDF5 still reports errors elsewhere */
    scratch_close(&s);
}

CUNIT_MAIN("h5util", CUNIT_TEST(test_int32_dataset_round_trips_with_shape),
           CUNIT_TEST(test_float_dataset_round_trips_with_shape_in_nested_group),
           CUNIT_TEST(test_double_dataset_round_trips_as_scalar_and_vector),
           CUNIT_TEST(test_string_dataset_round_trips_as_variable_length_utf8),
           CUNIT_TEST(test_dataset_write_replaces_existing_of_other_shape),
           CUNIT_TEST(test_dataset_rewrite_of_same_shape_does_not_grow_file),
           CUNIT_TEST(test_attributes_round_trip_with_their_types),
           CUNIT_TEST(test_attribute_write_replaces_existing_even_of_other_type),
           CUNIT_TEST(test_group_creates_intermediates_and_reopens_existing),
           CUNIT_TEST(test_table_append_grows_rows_in_order),
           CUNIT_TEST(test_table_append_failure_keeps_previous_length),
           CUNIT_TEST(test_close_closes_objects_still_open),
           CUNIT_TEST(test_create_in_missing_folder_fails_naming_path),
           CUNIT_TEST(test_open_fails_naming_path_for_missing_and_non_hdf5_files),
           CUNIT_TEST(test_read_of_missing_or_mistyped_dataset_names_file_and_object),
           CUNIT_TEST(test_failures_print_nothing_and_restore_callers_handler))
