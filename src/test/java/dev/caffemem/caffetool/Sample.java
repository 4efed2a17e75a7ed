package dev.caffemem.caffetool;

/** One sampled reading: when (from the process's start), VmRSS and its anonymous and file-backed parts, in bytes. */
public record Sample(long nanos, long rssBytes, long anonBytes, long fileBytes) {
}
