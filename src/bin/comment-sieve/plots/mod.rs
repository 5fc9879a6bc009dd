//! The evaluation report's figures, as SVG files.
//!
//! Per attribute: the ROC curves and the precision–recall curves of the
//! out-of-source scores, one curve per left-out source, and the
//! reliability diagram of the pooled out-of-source scores. Each figure is
//! written beside the report (`docs/evaluation.md` gets
//! `docs/evaluation/*.svg`) and embedded in it with one sentence saying
//! what it shows.
//!
//! The SVGs are drawn with `plotters`' SVG backend and no font files:
//! text stays `<text>` elements, laid out by plotters' built-in estimate,
//! so nothing reads system fonts. The output is a pure function of the
//! scores (no timestamps, integer pixel coordinates, fixed colors), and
//! every curve is cut to at most [`MAX_POINTS`] points.
//!
//! This file knows nothing of the report's protocol: it takes scored
//! examples and writes figures, so it moves with the report code.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use comment_sieve::eval::{calibration_error, counts_at, roc_auc, ReliabilityBin};
use comment_sieve::{Error, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

mod curves;
use curves::{class_counts, downsample, pr_points, roc_points};
pub use curves::{markers, Marker};

/// The most points drawn of one curve.
pub const MAX_POINTS: usize = 400;

/// Figure size in pixels.
const SIZE: (u32, u32) = (640, 480);

/// Curve colors (the Tableau 10 palette), in curve order.
const COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

const FONT: &str = "sans-serif";

/// One left-out source's out-of-source scores under one attribute.
#[derive(Debug, Clone)]
pub struct SourceScores {
    /// The source's name.
    pub source: String,
    /// (score, is positive) per example.
    pub scored: Vec<(f64, bool)>,
    /// The reference model's ROC-AUC on the same source, if known.
    pub reference_auc: Option<f64>,
}

/// Where the figures go and how the report links them: the folder named
/// after the report, beside it (`docs/evaluation.md` →
/// `docs/evaluation/`).
#[derive(Debug, Clone)]
pub struct FigureDir {
    dir: PathBuf,
    link: String,
}

impl FigureDir {
    /// The figure folder of the report at `report`.
    pub fn beside(report: &Path) -> Self {
        let stem = report
            .file_stem()
            .map_or("figures".into(), |s| s.to_string_lossy().into_owned());
        FigureDir {
            dir: report.with_file_name(&stem),
            link: stem,
        }
    }

    /// Writes `svg` as `name` and returns its link from the report.
    fn write(&self, name: &str, svg: &str) -> Result<String> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let path = self.dir.join(name);
        std::fs::write(&path, svg).map_err(|e| Error::io(&path, e))?;
        Ok(format!("{}/{name}", self.link))
    }
}

/// A drawing failure, as an error naming the figure.
fn draw_error(figure: &str, e: impl std::fmt::Display) -> Error {
    Error::io(
        figure,
        std::io::Error::other(format!("drawing the figure: {e}")),
    )
}

/// Writes the ROC and precision–recall figures of attribute `attr` and
/// embeds them in `w`. `sources` are the left-out sources with both
/// classes; `marks` the thresholds to mark on the precision–recall
/// curves; `abuse` says the thresholds apply to the abuse score (the
/// larger of toxicity and identity attack) rather than to `attr` itself.
pub fn attribute_figures(
    w: &mut String,
    dir: &FigureDir,
    attr: &str,
    sources: &[SourceScores],
    marks: &[Marker],
    abuse: bool,
) -> Result<()> {
    let roc = dir.write(&format!("roc-{attr}.svg"), &roc_svg(attr, sources)?)?;
    let _ = writeln!(
        w,
        "![ROC curves of {attr}, one per left-out source]({roc})\n\n\
         ROC curves of the {attr} score on each left-out source with both \
         classes, every example scored by the model trained on the other \
         sources; the legend gives each curve's ROC-AUC and the scikit-learn \
         reference's ROC-AUC on the same source (the reference file holds \
         summary figures only, so its curves are not drawn).\n"
    );
    let pr = dir.write(&format!("pr-{attr}.svg"), &pr_svg(attr, sources, marks)?)?;
    let on = if abuse {
        " (the model applies them to the abuse score, the larger of toxicity \
         and identity attack; here they cut this attribute's own score)"
    } else {
        ""
    };
    let _ = writeln!(
        w,
        "![Precision–recall curves of {attr}, one per left-out source]({pr})\n\n\
         Precision against recall of the {attr} score on the same left-out \
         sources and out-of-source scores, with the shipped model's \
         thresholds{on} marked on every curve.\n"
    );
    Ok(())
}

/// Writes the reliability diagram of attribute `attr` (from `bins`, the
/// pooled out-of-source scores' reliability table) and embeds it in `w`.
pub fn reliability_figure(
    w: &mut String,
    dir: &FigureDir,
    attr: &str,
    bins: &[ReliabilityBin],
) -> Result<()> {
    let link = dir.write(
        &format!("reliability-{attr}.svg"),
        &reliability_svg(attr, bins)?,
    )?;
    let _ = writeln!(
        w,
        "![Reliability diagram of {attr}]({link})\n\n\
         The table's bins drawn: observed share of positives against mean \
         {attr} score per bin, for the out-of-source scores of every left-out \
         source pooled, with the diagonal of perfect calibration and the \
         examples per bin (point size, and the bars below on a log scale).\n"
    );
    Ok(())
}

/// The legend text of one source's ROC curve.
fn roc_label(s: &SourceScores) -> String {
    let mut label = format!("{} (AUC {:.3}", s.source, roc_auc(&s.scored));
    if let Some(r) = s.reference_auc {
        let _ = write!(label, "; reference {r:.3}");
    }
    label.push(')');
    label
}

/// One threshold's points on the precision–recall figure: its legend
/// text and, per curve, (recall, precision) at it (`None` where no score
/// reaches it).
type MarkedPoints = (String, Vec<Option<(f64, f64)>>);

/// The ROC figure of one attribute.
pub fn roc_svg(attr: &str, sources: &[SourceScores]) -> Result<String> {
    let curves: Vec<(String, Vec<(f64, f64)>)> = sources
        .iter()
        .map(|s| (roc_label(s), downsample(&roc_points(&s.scored), MAX_POINTS)))
        .collect();
    let title = format!("ROC, {attr}, left-out sources");
    let axes = ("false positive rate", "true positive rate");
    line_chart(
        &title,
        axes,
        &curves,
        &[],
        SeriesLabelPosition::LowerRight,
        true,
    )
}

/// The precision–recall figure of one attribute, with `marks` drawn on
/// every curve where some score reaches them.
pub fn pr_svg(attr: &str, sources: &[SourceScores], marks: &[Marker]) -> Result<String> {
    let curves: Vec<(String, Vec<(f64, f64)>)> = sources
        .iter()
        .map(|s| {
            let label = format!(
                "{} ({} of {} positive)",
                s.source,
                class_counts(&s.scored).0,
                s.scored.len()
            );
            (label, downsample(&pr_points(&s.scored), MAX_POINTS))
        })
        .collect();
    // Per marker, per curve: (recall, precision) at the threshold.
    let points: Vec<MarkedPoints> = marks
        .iter()
        .map(|m| {
            let at: Vec<Option<(f64, f64)>> = sources
                .iter()
                .map(|s| {
                    let c = counts_at(&s.scored, m.value);
                    (c.true_pos + c.false_pos > 0).then(|| (c.recall(), c.precision()))
                })
                .collect();
            let none = if at.iter().all(Option::is_none) {
                "; no score reaches it"
            } else {
                ""
            };
            (format!("score ≥ {} ({}{none})", m.value, m.uses), at)
        })
        .collect();
    let title = format!("Precision–recall, {attr}, left-out sources");
    let axes = ("recall", "precision");
    line_chart(
        &title,
        axes,
        &curves,
        &points,
        SeriesLabelPosition::LowerLeft,
        false,
    )
}

/// One chart on [0, 1]²: `curves` (legend text, points), optional marker
/// points per curve (one marker kind per entry of `marks`, in the curve's
/// color) and, with `diagonal`, the line y = x.
fn line_chart(
    title: &str,
    (x_desc, y_desc): (&str, &str),
    curves: &[(String, Vec<(f64, f64)>)],
    marks: &[MarkedPoints],
    legend_at: SeriesLabelPosition,
    diagonal: bool,
) -> Result<String> {
    let e = |err| draw_error(title, err);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(6)
            .y_labels(6)
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.1))
            .label_style((FONT, 13))
            .draw()
            .map_err(e)?;
        if diagonal {
            let grey = BLACK.mix(0.3);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (1.0, 1.0)],
                    grey,
                )))
                .map_err(e)?;
        }
        for (i, (label, points)) in curves.iter().enumerate() {
            let color = COLORS[i % COLORS.len()];
            chart
                .draw_series(std::iter::once(PathElement::new(
                    points.clone(),
                    color.stroke_width(2),
                )))
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        for (k, (label, at)) in marks.iter().enumerate() {
            let shapes = at
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.map(|p| marker(k, p, COLORS[i % COLORS.len()].filled())));
            chart
                .draw_series(shapes)
                .map_err(e)?
                .label(label)
                .legend(move |(x, y)| marker(k, (x + 10, y), BLACK.filled()));
        }
        chart
            .configure_series_labels()
            .position(legend_at)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, 13))
            .draw()
            .map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}

/// Marker kind `k` at `p`: a circle, then a triangle, then a square.
fn marker<DB: DrawingBackend, C: Clone + 'static>(
    k: usize,
    p: C,
    style: ShapeStyle,
) -> DynElement<'static, DB, C> {
    match k % 3 {
        0 => Circle::new(p, 5, style).into_dyn(),
        1 => TriangleMarker::new(p, 7, style).into_dyn(),
        _ => Rectangle::new([p.clone(), p], style).into_dyn(),
    }
}

/// The reliability diagram: observed against predicted per bin above,
/// examples per bin (log scale) below.
pub fn reliability_svg(attr: &str, bins: &[ReliabilityBin]) -> Result<String> {
    let title = format!("Reliability, {attr}, out-of-source scores pooled");
    let e = |err| draw_error(&title, err);
    let used: Vec<&ReliabilityBin> = bins.iter().filter(|b| b.count > 0).collect();
    let most = used.iter().map(|b| b.count).max().unwrap_or(1) as f64;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (SIZE.0, SIZE.1 + 80)).into_drawing_area();
        root.fill(&WHITE).map_err(e)?;
        let (upper, lower) = root.split_vertically(SIZE.1 - 20);
        let mut chart = ChartBuilder::on(&upper)
            .caption(&title, (FONT, 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc("mean predicted score")
            .y_desc("observed share of positives")
            .x_labels(11)
            .y_labels(6)
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.1))
            .label_style((FONT, 13))
            .draw()
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                BLACK.mix(0.3),
            )))
            .map_err(e)?
            .label("perfect calibration")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.mix(0.3)));
        let color = COLORS[0];
        let points: Vec<(f64, f64)> = used
            .iter()
            .map(|b| (b.mean_predicted, b.observed))
            .collect();
        let ece = calibration_error(bins);
        chart
            .draw_series(std::iter::once(PathElement::new(
                points,
                color.stroke_width(2),
            )))
            .map_err(e)?
            .label(format!("per bin (expected calibration error {ece:.3})"))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(used.iter().map(|b| {
                let r = 3.0 + 9.0 * (b.count as f64 / most).sqrt();
                Circle::new(
                    (b.mean_predicted, b.observed),
                    r.round() as i32,
                    color.filled(),
                )
            }))
            .map_err(e)?;
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, 13))
            .draw()
            .map_err(e)?;
        let mut strip = ChartBuilder::on(&lower)
            .margin_left(12)
            .margin_right(12)
            .margin_bottom(8)
            .x_label_area_size(20)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..1f64, (1f64..most * 8.0).log_scale())
            .map_err(e)?;
        strip
            .configure_mesh()
            .disable_mesh()
            .x_labels(11)
            .y_labels(3)
            .y_label_formatter(&|v| format!("{v:.0}"))
            .y_desc("examples")
            .label_style((FONT, 11))
            .draw()
            .map_err(e)?;
        strip
            .draw_series(used.iter().map(|b| {
                let (l, u) = (b.lower + 0.005, b.upper - 0.005);
                Rectangle::new(
                    [(l, 1.0), (u, (b.count as f64).max(1.0))],
                    color.mix(0.6).filled(),
                )
            }))
            .map_err(e)?;
        strip
            .draw_series(used.iter().map(|b| {
                let at = ((b.lower + b.upper) / 2.0, b.count as f64 * 1.3);
                Text::new(
                    b.count.to_string(),
                    at,
                    (FONT, 11)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Bottom)),
                )
            }))
            .map_err(e)?;
        root.present().map_err(e)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::curves::tests::SCORED;
    use super::*;
    use comment_sieve::Thresholds;

    #[test]
    fn roc_figure_holds_the_curves_and_legend() {
        let sources = [SourceScores {
            source: "alpha".into(),
            scored: SCORED.to_vec(),
            reference_auc: Some(0.8),
        }];
        let svg = roc_svg("spam", &sources).unwrap();
        assert!(svg.contains("alpha (AUC 0.833; reference 0.800)"), "{svg}");
        assert!(svg.contains("ROC, spam, left-out sources"));
        // In the first curve color: the curve, with its six points, and
        // its two-point legend sample.
        let points: Vec<usize> = svg
            .split("<polyline")
            .filter(|p| p.contains("stroke=\"#1F77B4\""))
            .filter_map(|p| p.split("points=\"").nth(1)?.split('"').next())
            .map(|p| p.split_whitespace().count())
            .collect();
        assert_eq!(points, [6, 2], "{svg}");
        // The diagonal, in grey.
        assert!(svg.contains("opacity=\"0.3\" stroke=\"#000000\""), "{svg}");
        assert!(!svg.contains("<image") && !svg.contains("font-face"));
        assert_eq!(svg, roc_svg("spam", &sources).unwrap());
    }

    #[test]
    fn pr_figure_marks_only_reached_thresholds() {
        let sources = [SourceScores {
            source: "alpha".into(),
            scored: SCORED.to_vec(),
            reference_auc: None,
        }];
        let svg = pr_svg("spam", &sources, &markers(&Thresholds::default(), true)).unwrap();
        assert!(svg.contains("score ≥ 0.5 (label, hold)"));
        assert!(svg.contains("score ≥ 0.95 (reject; no score reaches it)"));
        // At 0.5 one circle on the curve and one in the legend; nothing
        // reaches 0.95, so its triangle is in the legend only.
        assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
        assert_eq!(svg.matches("<polygon").count(), 1, "{svg}");
    }
}
