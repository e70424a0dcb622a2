mod common;
#[test]
fn dump() {
    std::fs::create_dir_all("/tmp/exif-out").unwrap();
    for f in ["/tmp/corpus/exif/has-lens-info.jpg", "/tmp/corpus/jpeg/plasma_ColorfulCups_images_2560x1600.jpg", "/tmp/corpus/exif/2012-12-21-11-15-19-sep-IMG_0001.jpg", "/tmp/corpus/exif/geodegrees_as_string.jpg"] {
        let b = std::fs::read(f).unwrap();
        let ctx = common::run(upstage_sdk::Format::Jpeg, b, true);
        let name = std::path::Path::new(f).file_name().unwrap();
        std::fs::write(std::path::Path::new("/tmp/exif-out").join(name), &ctx.original).unwrap();
    }
}
