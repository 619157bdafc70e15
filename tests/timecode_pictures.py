"""Reading the demo's pictures: its placeholder frames print their own timecode, so a picture
(a frame, a preview tile, a screenshot) says which moment it shows."""

from PIL import Image, ImageChops, ImageStat

from app.video import draw_timecode_frame


def shows(picture: Image.Image, seconds: int, others: list[int]) -> bool:
    """The picture is the placeholder frame of `seconds` rather than any of `others` (at any
    size): compared where their timecodes differ, it is nearest to `seconds`."""
    picture = picture.convert("L")

    def drawn(t: int) -> Image.Image:
        return draw_timecode_frame(t).resize(picture.size, Image.Resampling.BILINEAR)

    def nearer(t: int) -> bool:
        right, wrong = drawn(seconds), drawn(t)
        box = ImageChops.difference(right, wrong).getbbox()
        seen = picture.crop(box)
        return distance(seen, right.crop(box)) < distance(seen, wrong.crop(box))

    return all(nearer(t) for t in others if t >= 0)


def distance(a: Image.Image, b: Image.Image) -> float:
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]
