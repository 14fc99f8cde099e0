package org.xmppiot.core.spi;

import java.util.List;

import org.xmppiot.core.model.Field;
import org.xmppiot.core.model.Frame;

/** Turns a frame from a device into typed fields, or says why it cannot. Used from one thread at a time. */
public interface FrameMapper {

    /** The fields in the frame; never empty. */
    List<Field> map(Frame frame) throws FrameRejectedException;
}
