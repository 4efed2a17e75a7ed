package dev.caffemem.net;

/**
 * A layer that Caffe would refuse at set-up (a CHECK in its LayerSetUp or Reshape), said by a shape rule
 * in one line without the layer's name: {@link NetGraph} adds the name and where the layer is. Its own
 * type, so that an IllegalArgumentException from a bug in a rule is not reported as the user's mistake.
 */
public final class LayerSetupException extends RuntimeException {

    public LayerSetupException(String message) {
        super(message);
    }
}
