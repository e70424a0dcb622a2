-- A local import looks up an earlier row of a file by the md5 of its bytes as read, which is
-- `source_md5` when a stage rewrote the stored file (GPS removal).
CREATE INDEX images_source_md5 ON images (source_md5);
