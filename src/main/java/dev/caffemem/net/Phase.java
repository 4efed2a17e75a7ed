package dev.caffemem.net;

/** Caffe's {@code Phase} enum. */
public enum Phase {
    TRAIN, TEST
}
