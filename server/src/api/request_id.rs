//! The request id (`X-Request-Id`, set for every request by the router) of the request being
//! handled, for error answers that must quote it without every handler passing it down.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static CURRENT: String;
}

/// Middleware: run the rest of the request with its id available to [`current`].
pub async fn scope(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_owned();
    CURRENT.scope(id, next.run(req)).await
}

/// The id of the request being handled here (`-` outside a request).
pub fn current() -> String {
    CURRENT
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".into())
}
