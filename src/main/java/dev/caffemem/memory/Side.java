package dev.caffemem.memory;

/** Where a buffer lives: host memory (pinned when Caffe allocates it in GPU mode) or device memory. */
public enum Side {
    HOST, DEVICE
}
