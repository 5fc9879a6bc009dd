//! The dashboard's charts as inline SVG, drawn on the server (no script,
//! no charting library): decisions per hour over the last 24 hours, and
//! each attribute score's histogram with its hold band shaded.

use maud::{html, Markup};

/// Bins of a score histogram.
pub const BINS: usize = 20;

const W: f64 = 240.0;
const H: f64 = 64.0;

/// Decisions made in each of the last 24 hours (oldest first), from their
/// times.
pub fn per_hour(times: &[i64], now: i64) -> [u64; 24] {
    let mut n = [0u64; 24];
    for &t in times {
        let age = (now - t).max(0) / 3600;
        if age < 24 {
            n[23 - age as usize] += 1;
        }
    }
    n
}

/// A score histogram: counts of `values` in [`BINS`] equal bins of [0, 1].
pub fn bins(values: &[f64]) -> [u64; BINS] {
    let mut n = [0u64; BINS];
    for &v in values.iter().filter(|v| v.is_finite()) {
        let i = ((v.clamp(0.0, 1.0) * BINS as f64) as usize).min(BINS - 1);
        n[i] += 1;
    }
    n
}

fn fmt(x: f64) -> String {
    format!("{x:.1}")
}

/// Bars of `counts` across the chart, under a title for screen readers.
fn bars(counts: &[u64]) -> Markup {
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let w = W / counts.len() as f64;
    html! {
        @for (i, &c) in counts.iter().enumerate() {
            @if c > 0 {
                @let h = (c as f64 / max) * (H - 12.0);
                rect.bar x=(fmt(i as f64 * w + 1.0)) y=(fmt(H - h)) width=(fmt(w - 2.0))
                    height=(fmt(h)) { title { (c) } }
            }
        }
        text.axis x="0" y="9" { "max " (max as u64) }
    }
}

/// The decisions-per-hour chart.
pub fn decisions_chart(per_hour: &[u64; 24]) -> Markup {
    let total: u64 = per_hour.iter().sum();
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {W} {}", H + 12.0)) role="img"
                aria-label=(format!("{total} decisions in the last 24 hours")) {
                (bars(per_hour))
                line.base x1="0" y1=(fmt(H)) x2=(fmt(W)) y2=(fmt(H)) {}
                text.axis x="0" y=(fmt(H + 11.0)) { "−24 h" }
                text.axis x=(fmt(W)) y=(fmt(H + 11.0)) text-anchor="end" { "now" }
            }
            figcaption { "Decisions per hour (" (total) " in 24 h)" }
        }
    }
}

/// A score histogram with the hold band `[lo, hi)` shaded.
pub fn histogram(name: &str, counts: &[u64; BINS], band: (f64, f64)) -> Markup {
    let (lo, hi) = (band.0.clamp(0.0, 1.0), band.1.clamp(0.0, 1.0));
    let n: u64 = counts.iter().sum();
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {W} {}", H + 12.0)) role="img"
                aria-label=(format!("{name}: {n} comments, hold band {lo:.2} to {hi:.2}")) {
                rect.band x=(fmt(lo * W)) y="10" width=(fmt((hi - lo) * W)) height=(fmt(H - 10.0)) {
                    title { "hold band " (format!("{lo:.2}–{hi:.2}")) }
                }
                (bars(counts))
                line.base x1="0" y1=(fmt(H)) x2=(fmt(W)) y2=(fmt(H)) {}
                text.axis x="0" y=(fmt(H + 11.0)) { "0" }
                text.axis x=(fmt(lo * W)) y=(fmt(H + 11.0)) text-anchor="middle" { (format!("{lo:.2}")) }
                text.axis x=(fmt(W)) y=(fmt(H + 11.0)) text-anchor="end" { "1" }
            }
            figcaption { (name) " (" (n) ")" }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_hour_and_bin() {
        let now = 100_000;
        let h = per_hour(&[now, now - 10, now - 3600, now - 24 * 3600, now + 5], now);
        assert_eq!(h[23], 3);
        assert_eq!(h[22], 1);
        assert_eq!(h.iter().sum::<u64>(), 4);
        let b = bins(&[0.0, 0.04, 0.05, 0.999, 1.0, f64::NAN]);
        assert_eq!((b[0], b[1], b[BINS - 1]), (2, 1, 2));
        let svg = histogram("spam", &b, (0.5, 0.9)).into_string();
        assert!(svg.contains(r#"class="band" x="120.0""#), "{svg}");
    }
}
