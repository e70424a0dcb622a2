use std::process::ExitCode;

use anyhow::{bail, Result};

use crate::cli::KeysCommand;
use crate::config::Config;

pub fn run(cfg: &Config, cmd: KeysCommand) -> Result<ExitCode> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let (db, ids) = upstage_server::open_db(&cfg.server, &cfg.data_dir).await?;
        match cmd {
            KeysCommand::Create { user, admin, name } => {
                let u = match db.user_by_name(&user).await? {
                    Some(u) => {
                        if admin && !u.admin() {
                            bail!("user '{user}' exists and is not an admin");
                        }
                        u
                    }
                    None => db.create_user(&user, admin).await?,
                };
                let key = upstage_server::auth::create_key(&db, &ids, u.id, &name).await?;
                crate::outln!("{key}");
            }
            KeysCommand::List => {
                crate::outln!(
                    "{:>5}  {:<16} {:<6} {:<20} {:<8} name",
                    "id",
                    "user",
                    "admin",
                    "created (UTC)",
                    "status"
                );
                for (k, u) in db.keys().await? {
                    crate::outln!(
                        "{:>5}  {:<16} {:<6} {:<20} {:<8} {}  (chv_{}_***)",
                        k.id,
                        u.username,
                        if u.admin() { "yes" } else { "no" },
                        k.date_gmt,
                        if k.revoked != 0 { "revoked" } else { "active" },
                        k.name,
                        ids.encode(k.id as u64)
                    );
                }
            }
            KeysCommand::Revoke { id } => {
                if !db.revoke_key(id).await? {
                    bail!("no active key with id {id}");
                }
                crate::outln!("key {id} revoked");
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
