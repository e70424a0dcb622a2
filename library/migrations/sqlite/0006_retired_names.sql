-- Names of deleted images, per folder. Files are served as immutable for a year, so a name that
-- was ever given out is never handed to another upload: file claims skip these names (whatever
-- the extension, as derived files such as `.fr.jpeg` keep theirs) as if they were taken.
CREATE TABLE retired_names (
    folder TEXT NOT NULL,
    name   TEXT NOT NULL,
    PRIMARY KEY (folder, name)
);
