package org.evo2wb.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.evo2wb.engine.checkpoint.StorageType;
import org.evo2wb.engine.checkpoint.HostTensor;
import org.junit.jupiter.api.Test;

class TraceComparatorTest {

    @Test
    void fp32TracksTheBf16TraceOfTheOfficialCode() throws Exception {
        Map<String, HostTensor> ref = TinyGolden.tensors("tiny_trace_bf16_cpu.pt");
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        try (StripedHyena model = StripedHyena.fromTensors("tiny.pt", TinyGolden.tensors("tiny.pt"),
                TinyGolden.architecture(1.0), Device.cpu(), Precision.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            Map<String, TraceComparator.Captured> got = TraceComparator.capture(model, tok);
            TraceComparator.Report report = TraceComparator.compare(got, ref, 0.05);
            System.out.println(report.format());
            assertEquals(41, report.rows().size());
            assertTrue(report.missingInModel().isEmpty(), report.missingInModel().toString());
            assertTrue(report.firstDisagreement().isEmpty(), report.format());
        }
    }

    @Test
    void namesTheFirstIntermediateOfADamagedBlock() throws Exception {
        Map<String, HostTensor> ref = TinyGolden.tensors("tiny_trace_bf16_cpu.pt");
        HostTensor ids = TinyGolden.single("tiny_ids.pt");
        Map<String, HostTensor> weights = new LinkedHashMap<>(TinyGolden.tensors("tiny.pt"));
        // reverse the hcl skip term D of block 2: the filter output of block 2 is the first thing to change
        HostTensor d = weights.get("blocks.2.filter.D");
        float[] v = d.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(-x);
        }
        weights.put("blocks.2.filter.D", new HostTensor(StorageType.F32, d.shape(), b.flip()));
        try (StripedHyena model = StripedHyena.fromTensors("tiny.pt", weights, TinyGolden.architecture(1.0),
                Device.cpu(), Precision.FP32);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            NDArray tok = m.create(ids.toLongArray(), new Shape(ids.shape()));
            TraceComparator.Report report = TraceComparator.compare(TraceComparator.capture(model, tok), ref, 0.05);
            assertEquals("blocks.2.filter", report.firstDisagreement().orElseThrow().name(), report.format());
        }
    }
}
