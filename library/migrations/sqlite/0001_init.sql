-- Metadata of the HTTP adapter. Integers are BIGINT and dates are 'Y-m-d H:i:s' text (UTC in
-- *_gmt columns) so one set of queries runs unchanged on SQLite and PostgreSQL.
CREATE TABLE variables (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    is_admin BIGINT NOT NULL DEFAULT 0,
    date_gmt TEXT NOT NULL
);

CREATE TABLE api_keys (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    hash     TEXT NOT NULL,
    date_gmt TEXT NOT NULL,
    revoked  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE albums (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     BIGINT REFERENCES users(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    date_gmt    TEXT NOT NULL
);

CREATE TABLE categories (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    name    TEXT NOT NULL,
    url_key TEXT NOT NULL UNIQUE
);

CREATE TABLE images (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    name                TEXT NOT NULL,
    extension           TEXT NOT NULL,
    folder              TEXT NOT NULL,
    size                BIGINT NOT NULL,
    width               BIGINT NOT NULL,
    height              BIGINT NOT NULL,
    date                TEXT NOT NULL,
    date_gmt            TEXT NOT NULL,
    title               TEXT,
    description         TEXT,
    nsfw                BIGINT NOT NULL DEFAULT 0,
    storage_mode        TEXT NOT NULL,
    md5                 TEXT NOT NULL,
    source_md5          TEXT,
    original_filename   TEXT NOT NULL,
    original_exifdata   TEXT,
    views               BIGINT NOT NULL DEFAULT 0,
    likes               BIGINT NOT NULL DEFAULT 0,
    category_id         BIGINT REFERENCES categories(id) ON DELETE SET NULL,
    chain               BIGINT NOT NULL,
    thumb_size          BIGINT NOT NULL DEFAULT 0,
    medium_size         BIGINT NOT NULL DEFAULT 0,
    medium_width        BIGINT NOT NULL DEFAULT 0,
    medium_height       BIGINT NOT NULL DEFAULT 0,
    frame_size          BIGINT NOT NULL DEFAULT 0,
    expiration_date_gmt TEXT,
    is_animated         BIGINT NOT NULL DEFAULT 0,
    is_approved         BIGINT NOT NULL DEFAULT 1,
    is_360              BIGINT NOT NULL DEFAULT 0,
    duration            BIGINT NOT NULL DEFAULT 0,
    type                TEXT NOT NULL,
    user_id             BIGINT REFERENCES users(id) ON DELETE SET NULL,
    album_id            BIGINT REFERENCES albums(id) ON DELETE SET NULL,
    uploader_ip         TEXT NOT NULL,
    delete_hash         TEXT NOT NULL
);
CREATE INDEX images_md5 ON images (md5);
CREATE INDEX images_uploader ON images (uploader_ip, date_gmt);
CREATE INDEX images_expiration ON images (expiration_date_gmt);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE image_tags (
    image_id BIGINT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    tag_id   BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (image_id, tag_id)
);
