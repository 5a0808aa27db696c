//! The member chat widget and the staff console, compiled into the binary so one
//! file is the whole product. Plain HTML, CSS and JavaScript from `web/`; no build
//! step, no inline script (the Content-Security-Policy forbids it).

use axum::http::header;
use axum::response::IntoResponse;

const DEMO_HTML: &str = include_str!("../../web/index.html");
const WIDGET_JS: &str = include_str!("../../web/widget.js");
const WIDGET_CSS: &str = include_str!("../../web/widget.css");
const STAFF_HTML: &str = include_str!("../../web/staff.html");
const STAFF_JS: &str = include_str!("../../web/staff.js");
const STAFF_CSS: &str = include_str!("../../web/staff.css");
const FAVICON_SVG: &str = include_str!("../../web/favicon.svg");
const REVIEW_HTML: &str = include_str!("../../web/review.html");
const REVIEW_JS: &str = include_str!("../../web/review.js");

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
}

/// `GET /`: a co-op page with the widget, as a member sees it.
pub async fn demo_page() -> impl IntoResponse {
    asset("text/html; charset=utf-8", DEMO_HTML)
}

/// `GET /widget.js`: what a co-op page embeds with one `<script>` tag.
pub async fn widget_js() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", WIDGET_JS)
}

/// `GET /widget.css`: the widget's styles (loaded by `widget.js`).
pub async fn widget_css() -> impl IntoResponse {
    asset("text/css; charset=utf-8", WIDGET_CSS)
}

/// `GET /staff`: the call-center lookup console.
pub async fn staff_page() -> impl IntoResponse {
    asset("text/html; charset=utf-8", STAFF_HTML)
}

/// `GET /staff.js`: the console's script.
pub async fn staff_js() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", STAFF_JS)
}

/// `GET /staff.css`: the console's styles.
pub async fn staff_css() -> impl IntoResponse {
    asset("text/css; charset=utf-8", STAFF_CSS)
}

/// `GET /favicon.svg` (and `/favicon.ico`, which browsers ask for by themselves):
/// the pages' icon, so that no page load logs a 404.
pub async fn favicon() -> impl IntoResponse {
    asset("image/svg+xml", FAVICON_SVG)
}

/// `GET /staff/review`: the FAQ editors' review console (its data needs a staff
/// token; the page itself holds none).
pub async fn review_page() -> impl IntoResponse {
    asset("text/html; charset=utf-8", REVIEW_HTML)
}

/// `GET /review.js`: the review console's script.
pub async fn review_js() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", REVIEW_JS)
}
