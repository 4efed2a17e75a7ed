package dev.caffemem.probe;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByVal;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.MemberGetter;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * glibc's {@code mallinfo2()} (glibc 2.33+), built into a small JNI library by JavaCPP's builder at
 * {@code process-classes}. {@code uordblks + hblkhd} is every byte malloc has handed out and not yet
 * taken back, across all arenas and mmapped chunks: Caffe's host allocations to the byte.
 */
@Platform(include = "<malloc.h>")
public final class GlibcMalloc {
    static {
        Loader.load();
    }

    private GlibcMalloc() {
    }

    /** {@code struct mallinfo2}. */
    @Name("struct mallinfo2")
    public static final class Info extends Pointer {
        static {
            Loader.load();
        }

        public Info() {
            allocate();
        }

        private native void allocate();

        /** Bytes in use in the arenas, chunk headers included. */
        @MemberGetter
        public native @Cast("size_t") long uordblks();

        /** Bytes in mmapped chunks. */
        @MemberGetter
        public native @Cast("size_t") long hblkhd();

        /** Bytes the arenas obtained from the system. */
        @MemberGetter
        public native @Cast("size_t") long arena();
    }

    public static native @ByVal Info mallinfo2();

    /** Bytes allocated by malloc and not freed: {@code uordblks + hblkhd}. */
    public static long inUseBytes() {
        try (Info info = mallinfo2()) {
            return info.uordblks() + info.hblkhd();
        }
    }
}
