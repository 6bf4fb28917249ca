// Image and ONNX seeds of the fuzz tests; run from the repository root after `mvn test-compile`:
//   jshell --class-path "target/classes:$(cat target/fuzz-cp.txt)" src/test/fuzz/make_seeds.jsh
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.nio.file.*;
import imvec.onnx.proto.OnnxProto.*;

Path img = Files.createDirectories(Path.of("src/test/resources/imvec/data/DataReadersFuzzTestInputs/images"));
var rnd = new java.util.Random(11);
BufferedImage rgb = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
for (int y = 0; y < 6; y++) for (int x = 0; x < 8; x++) rgb.setRGB(x, y, rnd.nextInt(1 << 24));
BufferedImage grey = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) grey.getRaster().setSample(x, y, 0, rnd.nextInt(256));
for (String f : new String[] {"jpg", "png", "bmp", "gif"}) ImageIO.write(rgb, f, img.resolve("rgb." + f).toFile());
ImageIO.write(grey, "jpg", img.resolve("grey.jpg").toFile());
ImageIO.write(grey, "png", img.resolve("grey.png").toFile());

TensorShapeProto.Builder shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
for (long d : new long[] {3, 4, 4}) shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
ValueInfoProto input = ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
NodeProto node(String op, String in, String out) { return NodeProto.newBuilder().setOpType(op).setName(out).addInput(in).addOutput(out).build(); }
GraphProto g = GraphProto.newBuilder().setName("tiny").addInput(input).addNode(node("Relu", "x", "relu")).addNode(node("GlobalAveragePool", "relu", "gap")).addNode(node("Flatten", "gap", "features")).addNode(node("Softmax", "features", "probabilities")).addOutput(ValueInfoProto.newBuilder().setName("probabilities")).build();
ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("imvec-test").addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
Path onnx = Files.createDirectories(Path.of("src/test/resources/imvec/onnx/OnnxGraphFuzzTestInputs/parse"));
Files.write(onnx.resolve("tiny.onnx"), m.toByteArray());
/exit
