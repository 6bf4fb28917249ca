package imvec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.ImageSet;
import imvec.data.Preprocess;
import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Python side of {@code imvec bench extract --torch}: a torchvision pipeline (PIL reading as
 * ImageFolder does, transforms, a DataLoader with worker processes) feeding the same ONNX graph and
 * weights run with torch operators ({@code scripts/bench/extract_torchvision.py}), on the very
 * files imvec timed. A check batch (imvec's preprocessed tensor and its engine's output) shows
 * the torch side computes the same function.
 */
public final class TorchExtractBench {
    private TorchExtractBench() {
    }

    /** Rates in images/s and process CPU ms per image (workers included) of each phase. */
    public record Result(String versions, int workers, int images, double endToEndImagesPerSecond,
                         double engineImagesPerSecond, double pipelineImagesPerSecond,
                         double endToEndCpuMsPerImage, double engineCpuMsPerImage, double pipelineCpuMsPerImage,
                         double maxOutputDifference, String loadBefore) {
    }

    /** The image files of a {@code folder:} set under {@code root}, in the set's order. */
    static List<Path> files(ImageSet set, Path root) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < set.size(); i++) {
            Path p = root.resolve(set.id(i));
            if (!Files.isRegularFile(p)) throw new UserError("--torch needs a folder: data set of image files; " + p + " is not one.");
            out.add(p);
        }
        return out;
    }

    static Result run(Path python, Path script, Path model, String output, List<Path> files, Preprocess pre, int batch,
                      float[] checkInput, float[] checkOutput, int checkImages, Path dir) throws IOException {
        if (!Files.isRegularFile(script)) throw new UserError("the torchvision reference script " + script + " is missing.");
        if (pre.channels() != 3) throw new UserError("--torch compares RGB models only.");
        Path list = dir.resolve("files.txt"), json = dir.resolve("torch.json");
        Path in = dir.resolve("check-input.npy"), out = dir.resolve("check-output.npy");
        Files.write(list, files.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
        Npy.write(in, checkInput, checkImages, 3, pre.height(), pre.width());
        Npy.write(out, checkOutput, checkImages, checkOutput.length / checkImages);
        List<String> cmd = new ArrayList<>(List.of(python.toString(), script.toString(), model.toString(), list.toString(), json.toString(),
                "--size", String.valueOf(pre.height()), String.valueOf(pre.width()),
                "--resize", pre.resize() == Preprocess.Resize.CROP ? "crop" : "stretch",
                "--output", output, "--batch", String.valueOf(batch), "--workers", "2",
                "--check-input", in.toString(), "--check-output", out.toString(), "--mean"));
        for (float m : pre.mean()) cmd.add(String.valueOf(m));
        cmd.add("--std");
        for (float s : pre.std()) cmd.add(String.valueOf(s));
        String load = TsneBench.loadAverage();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) throw new UserError("the torchvision reference failed (" + String.join(" ", cmd.subList(0, 2)) + "): " + log.strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            throw new IOException("interrupted", e);
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        int n = j.get("images").asInt();
        return new Result(String.format(Locale.ROOT, "torch %s, torchvision %s", j.get("torch_version").asText(), j.get("torchvision_version").asText()),
                j.get("workers").asInt(), n,
                n / j.get("end_to_end_seconds").asDouble(), n / j.get("engine_seconds").asDouble(), n / j.get("pipeline_seconds").asDouble(),
                1000 * j.get("end_to_end_cpu_seconds").asDouble() / n, 1000 * j.get("engine_cpu_seconds").asDouble() / n,
                1000 * j.get("pipeline_cpu_seconds").asDouble() / n, j.get("max_output_difference").asDouble(), load);
    }
}
