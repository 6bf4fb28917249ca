/**
 * What people read: plots (XChart PNG/SVG), tables in Markdown, CSV and JSON, HTML reports and
 * rotatable 3-D pages, over results of the analyses and class vectors. May read run directories
 * and model sizes; never runs inference. Start with {@link imvec.report.HtmlReport}.
 */
package imvec.report;
