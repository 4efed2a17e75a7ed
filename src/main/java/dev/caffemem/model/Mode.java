package dev.caffemem.model;

/** Caffe's {@code Caffe::Brew} mode: where layers compute. */
public enum Mode {
    CPU, GPU
}
