//! Draws the reliability diagram of kotae's calibrated confidence: for replies
//! grouped by confidence (10 bins), the share whose first entry was right, per
//! collection, against the diagonal of perfect calibration. The input is the CSV
//! `scripts/fit-calibration.py --write` leaves (`collection,confidence,right`,
//! every prediction made by a model not fitted on that collection).
//!
//! `cargo run --release --example reliability -- docs/eval/reliability.csv docs/reliability.png`

use std::collections::BTreeMap;
use std::error::Error;

use plotters::prelude::*;

/// Where a sans-serif font is found (Debian's fonts-dejavu-core).
const FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
];
const BINS: usize = 10;
/// Bins with fewer replies are not drawn: their share is noise.
const LEAST_PER_BIN: usize = 5;

/// Per bin: mean confidence, share right, count.
type Points = Vec<(f64, f64, usize)>;
/// Per collection: each reply's (confidence, right).
type Predictions = BTreeMap<String, Vec<(f64, bool)>>;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        return Err("usage: reliability <predictions.csv> <diagram.png>".into());
    };
    register_font()?;
    let predictions = read(input)?;
    let mut series: Vec<(String, Points)> = predictions
        .iter()
        .map(|(name, rows)| (format!("{name} (n {})", rows.len()), bins(rows)))
        .collect();
    let new: Vec<(f64, bool)> = predictions
        .iter()
        .filter(|(name, _)| name.as_str() != "shipped")
        .flat_map(|(_, rows)| rows.iter().copied())
        .collect();
    series.push((format!("all new FAQs (n {})", new.len()), bins(&new)));
    draw(output, &series)?;
    println!("wrote {output}");
    Ok(())
}

fn register_font() -> Result<(), Box<dyn Error>> {
    let path = FONTS
        .iter()
        .find(|p| std::path::Path::new(p).exists())
        .ok_or("no DejaVuSans.ttf: apt-get install fonts-dejavu-core")?;
    let bytes: &'static [u8] = Box::leak(std::fs::read(path)?.into_boxed_slice());
    plotters::style::register_font("sans-serif", FontStyle::Normal, bytes)
        .map_err(|_| format!("{path}: not a font"))?;
    Ok(())
}

/// Predictions per collection: (confidence, right).
fn read(path: &str) -> Result<Predictions, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut predictions = Predictions::new();
    for (number, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let [name, confidence, right] = fields.as_slice() else {
            return Err(format!("{path}:{}: expected 3 fields", number + 1).into());
        };
        predictions
            .entry(name.to_string())
            .or_default()
            .push((confidence.parse()?, *right == "1"));
    }
    Ok(predictions)
}

/// Per bin with enough replies: mean confidence, share right, count.
fn bins(rows: &[(f64, bool)]) -> Points {
    let mut sums = vec![(0.0, 0.0, 0usize); BINS];
    for &(p, right) in rows {
        let bin = ((p * BINS as f64) as usize).min(BINS - 1);
        sums[bin].0 += p;
        sums[bin].1 += if right { 1.0 } else { 0.0 };
        sums[bin].2 += 1;
    }
    sums.into_iter()
        .filter(|s| s.2 >= LEAST_PER_BIN)
        .map(|(p, r, n)| (p / n as f64, r / n as f64, n))
        .collect()
}

fn draw(output: &str, series: &[(String, Points)]) -> Result<(), Box<dyn Error>> {
    let root = BitMapBackend::new(output, (900, 800)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "kotae's confidence on FAQs it was not fitted on (leave one collection out)",
            ("sans-serif", 20),
        )
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc("confidence (mean of the bin)")
        .y_desc("share of replies whose first entry is right")
        .label_style(("sans-serif", 15))
        .light_line_style(WHITE)
        .draw()?;
    chart
        .draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.3)))?
        .label("perfect calibration")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.mix(0.3)));
    for (i, (name, points)) in series.iter().enumerate() {
        let last = i + 1 == series.len();
        let color = if last {
            BLACK.to_rgba()
        } else {
            Palette99::pick(i).to_rgba()
        };
        let width = if last { 3 } else { 1 };
        let line = points.iter().map(|&(x, y, _)| (x, y));
        chart
            .draw_series(LineSeries::new(line, color.stroke_width(width)))?
            .label(name.as_str())
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + 20, y)], color.stroke_width(width))
            });
        chart.draw_series(points.iter().map(|&(x, y, n)| {
            let radius = (2.0 + (n as f64).sqrt() / 2.0).min(12.0) as i32;
            Circle::new((x, y), radius, color.filled())
        }))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 15))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    root.present()?;
    Ok(())
}
