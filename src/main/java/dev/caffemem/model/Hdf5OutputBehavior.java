package dev.caffemem.model;

import dev.caffemem.memory.Component;
/**
 * HDF5Output (src/caffe/layers/hdf5_output_layer.cpp, .cu): LayerSetUp creates its HDF5 file and keeps it
 * open, and Forward copies both bottoms into host blobs of their own (data_blob_, label_blob_) and writes
 * each as a dataset. What HDF5 1.12 keeps for that, from its sources:
 * <ul>
 * <li>per open file, the metadata cache, whose H5C_t carries a hash table of 64 Ki entry pointers
 *     (H5C__HASH_TABLE_LEN in H5Cpkg.h): 512 KiB; the rest of its per-file state is in the layer's share of
 *     the objects (fitted);</li>
 * <li>per dataset of at most 64 KiB, a sieve buffer of the dataset's size (H5D__contig_writevv_sieve_cb,
 *     with the file's default sieve_buf_size), which goes to HDF5's block free list when the dataset is
 *     closed and stays there, one per size, for the next dataset of that size in the process.</li>
 * </ul>
 * HDF5's own start-up in a process (about 70 KB, on its first call) is not counted, as no other library's is.
 */
final class Hdf5OutputBehavior implements LayerBehavior {
    /** H5C__HASH_TABLE_LEN x sizeof(H5C_cache_entry_t *). */
    static final long METADATA_CACHE_BYTES = 64 * 1024 * 8;
    /** H5F_ACS_SIEVE_BUF_SIZE_DEF, the default sieve buffer of a file. */
    static final long SIEVE_BUFFER_BYTES = 64 * 1024;
    /** The header H5FL_BLK_MALLOC puts before each block (H5FL_blk_list_t). */
    static final long FREE_LIST_HEADER_BYTES = 8;

    @Override
    public void setUp(LayerRun r) {
        String file = r.params("hdf5_output_param").getString("file_name");
        if (!r.allocations().firstInProcess("open file " + java.nio.file.Path.of(file).toAbsolutePath().normalize())) {
            // H5Fcreate with H5F_ACC_TRUNC refuses a file the process already has open
            throw r.fatal("Failed to open HDF5 file " + file + ": another HDF5Output layer of this process (in this"
                    + " net, or in the solver's train net) already holds it open; Caffe aborts");
        }
        r.detached("hdf5_metadata_cache", METADATA_CACHE_BYTES / Float.BYTES, Component.LAYER_BUFFERS, true);
    }

    @Override
    public void forward(LayerRun r) {
        r.bottom(0).touchData();
        r.bottom(1).touchData();
        r.onHost(() -> {
            r.internal("data_blob", r.bottom(0).count()).touchData();
            r.internal("label_blob", r.bottom(1).count()).touchData();
            for (int i = 0; i < 2; i++) {
                long bytes = r.bottom(i).count() * Float.BYTES;
                if (bytes <= SIEVE_BUFFER_BYTES && r.allocations().firstInProcess("hdf5 sieve buffer " + bytes)) {
                    r.detached("hdf5_sieve_buffer_" + bytes, (bytes + FREE_LIST_HEADER_BYTES) / Float.BYTES,
                            Component.LAYER_BUFFERS, true);
                }
            }
        });
    }

    @Override
    public void backward(LayerRun r) {
    }
}
