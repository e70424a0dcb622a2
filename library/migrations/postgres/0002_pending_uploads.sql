-- Write-ahead journal of stored files: a key is claimed here (committed) before anything is
-- written under it, and the claim is deleted in the transaction that inserts the image row.
-- Claims older than the grace period belong to uploads a crash interrupted; the reconciler
-- removes their files. The primary key keeps two writers from claiming one key.
CREATE TABLE pending_uploads (
    storage_key TEXT PRIMARY KEY,
    upload      TEXT NOT NULL,
    created_gmt TEXT NOT NULL
);
CREATE INDEX pending_uploads_upload ON pending_uploads (upload);
CREATE INDEX pending_uploads_created ON pending_uploads (created_gmt);

-- The reconciler asks "does a row own this file?" by folder and name.
CREATE INDEX images_folder_name ON images (folder, name);
