-- One album per name and owner, so creating "the album called X" is idempotent even when several
-- uploads ask at once. Libraries that already have twins keep the oldest: the images of the
-- others move to it first.
UPDATE images
SET album_id = (
    SELECT MIN(twin.id)
    FROM albums AS mine
    JOIN albums AS twin ON twin.user_id = mine.user_id AND twin.name = mine.name
    WHERE mine.id = images.album_id
)
WHERE album_id IN (SELECT id FROM albums WHERE user_id IS NOT NULL);

DELETE FROM albums
WHERE user_id IS NOT NULL
  AND id NOT IN (SELECT MIN(id) FROM albums WHERE user_id IS NOT NULL GROUP BY user_id, name);

CREATE UNIQUE INDEX albums_owner_name ON albums (user_id, name);
