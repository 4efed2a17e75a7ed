package dev.caffemem.shape;

import dev.caffemem.net.BlobCounts;
import dev.caffemem.net.LayerKind;
import dev.caffemem.net.LayerShapes;
import dev.caffemem.net.LayerSpec;
import dev.caffemem.net.SetupContext;
import dev.caffemem.net.Shape;
import dev.caffemem.prototxt.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * SSD's AnnotatedData (weiliu89/caffe ssd, src/caffe/layers/annotated_data_layer.cpp, and DataTransformer's
 * InferBlobShape in data_transformer.cpp): data of batch_size x C x H x W, where {@code resize_param} (WARP or
 * FIT_LARGE_SIZE_AND_PAD) gives H x W, else the first record's size does ({@code --input-shape}), and crop_size or
 * crop_h/crop_w replace it; the label is 1 x 1 x boxes x 8 for annotated records (1 box at setup; a batch's boxes
 * at each forward). C is the decoded image's: 3 for colour JPEGs, 1 with force_gray, unless --input-shape says.
 */
final class AnnotatedDataShapes implements LayerKind {

    @Override
    public BlobCounts counts(LayerSpec layer) {
        return BlobCounts.range(0, 0, 1, 2);
    }

    @Override
    public LayerShapes setUp(SetupContext ctx) {
        Message transform = ctx.layer().params("transform_param");
        int batch = ctx.overrides().batchOr(ctx.layer().params("data_param").getLong("batch_size"));
        if (batch <= 0) {
            throw ctx.error("needs a positive batch_size (found " + batch + ")");
        }
        Shape given = ctx.overrides().inputShapes().get(ctx.top(0));
        Message resize = transform.getMessage("resize_param");
        boolean fitSmall = transform.has("resize_param") && resize.getEnum("resize_mode").equals("FIT_SMALL_SIZE");
        if (fitSmall && batch != 1) {
            throw ctx.error("resize_mode FIT_SMALL_SIZE supports a batch size of 1 only (found " + batch + ")");
        }
        int channels = given != null ? given.dim(0) : transform.getBool("force_gray") ? 1 : 3;
        int height;
        int width;
        if (transform.has("resize_param") && !fitSmall) {
            height = resize.getInt("height");
            width = resize.getInt("width");
            if (height <= 0 || width <= 0) {
                throw ctx.error("transform_param.resize_param needs height and width > 0");
            }
        } else if (given != null && given.axes() == 3) {
            height = given.dim(1);
            width = given.dim(2);
        } else {
            throw ctx.error("takes its image size from the first record of its source"
                    + (fitSmall ? " (resize_mode FIT_SMALL_SIZE keeps its aspect ratio)" : "")
                    + ", which the estimator does not read; give it with --input-shape " + ctx.top(0) + "=C,H,W");
        }
        int cropH = crop(transform, "crop_h");
        int cropW = crop(transform, "crop_w");
        if (cropH > height || cropW > width) {
            throw ctx.error("the crop (" + cropH + "x" + cropW + ") is larger than the image (" + height + "x" + width + ")");
        }
        List<Shape> tops = new ArrayList<>();
        tops.add(Shape.of(batch, channels, cropH > 0 ? cropH : height, cropW > 0 ? cropW : width));
        if (ctx.topCount() > 1) {
            tops.add(Shape.of(1, 1, 1, 8));
        }
        return LayerShapes.of(tops);
    }

    /** crop_size wins over crop_h and crop_w. */
    private static int crop(Message transform, String field) {
        long size = transform.getLong("crop_size");
        return Math.toIntExact(size > 0 ? size : transform.getLong(field));
    }
}
