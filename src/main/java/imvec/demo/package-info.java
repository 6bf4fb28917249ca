/**
 * {@code imvec demo}: the whole pipeline on Fashion-MNIST and GloVe, from training a CNN to the
 * HTML report. An orchestration of the library packages; nothing depends on it. Start with
 * {@link imvec.demo.Demo}.
 */
package imvec.demo;
