//! The built-in stages (see `upstage-builtins`), with errors as the binary reports them.

use anyhow::Result;
use upstage_core::StageRegistry;

pub fn registry() -> Result<StageRegistry> {
    Ok(upstage_builtins::registry()?)
}
