"""The building blocks of a guide: sections, subsections and what goes in them.

Every block is structured content: editors type words into fields, never HTML.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.forms.utils import ErrorList
from django.utils import timezone
from django.utils.text import slugify
from wagtail import blocks
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.contrib.typed_table_block.blocks import TypedTable, TypedTableBlock, TypedTableBlockValidationError
from wagtail.images.blocks import ImageBlock
from wagtail_localize.segments import StringSegmentValue

from pages.rich_text import plain_text, render_rich_text

# Paragraphs carry emphasis and links, nothing that could change the page's outline.
PARAGRAPH_FEATURES = ["bold", "italic", "link"]


def section_anchor(section_value):
    """The id a section is linked by: the editor's anchor, else one made from its heading."""
    return section_value.get("anchor") or slugify(section_value["heading"])


class ParagraphBlock(blocks.RichTextBlock):
    def render_basic(self, value, context=None):
        # A paragraph is its cleaned rich text and nothing around it; without a template of its
        # own it costs a guide's many paragraphs no template renders.
        return render_rich_text(value)

    def get_searchable_content(self, value):
        # Also what the reading time counts; plain_text is the fast way to the words.
        return [plain_text(value)]

    class Meta:
        icon = "pilcrow"
        preview_value = (
            "<p>NK cell therapy is a form of immunotherapy that enhances your body's intrinsic defense mechanisms.</p>"
        )


class ComparisonTableBlock(TypedTableBlock):
    """A table of plain-text cells; the first cell of each row heads that row.

    Its caption is optional: without one, the heading of the section or subsection it stands in
    names the table for screen readers (aria-labelledby), instead of a caption repeating it.
    """

    # Multi-line, so staff can see and edit a description cell's whole sentence.
    text = blocks.TextBlock(label="Text", rows=3)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # Each cell with its column heading, so narrow screens can label stacked cells.
        headings = [column["heading"] for column in value.columns]
        context["rows"] = [list(zip(headings, row, strict=True)) for row in value.rows]
        return context

    def clean(self, value):
        value = super().clean(value)
        if self.is_deferred_validation:
            # A draft save (autosave, Save draft) may hold a table just inserted and not filled
            # in yet; Wagtail defers "required" checks then, and these are ours.
            return value
        errors = []
        if not value.columns:
            errors.append(ValidationError("A table needs at least one column."))
        if any(not (column["heading"] or "").strip() for column in value.columns):
            errors.append(ValidationError("Every column needs a heading."))
        if errors:
            # Wagtail shows these above the table in the editor.
            raise TypedTableBlockValidationError(non_block_errors=ErrorList(errors))
        return value

    # wagtail-localize knows no TypedTableBlock and would offer none of a table's words to
    # translators: the caption, each column heading and each cell are a string of their own.
    def get_translatable_segments(self, value):
        segments = [StringSegmentValue("caption", value.caption)] if value.caption else []
        segments += [
            StringSegmentValue(f"heading-{index}", column["heading"])
            for index, column in enumerate(value.columns)
            if column["heading"]
        ]
        for row_index, row in enumerate(value.row_data):
            segments += [
                StringSegmentValue(f"cell-{row_index}-{index}", str(cell))
                for index, cell in enumerate(row["values"])
                if cell not in (None, "")
            ]
        return segments

    def restore_translated_segments(self, value, segments):
        translated = {segment.path: segment.render_text() for segment in segments}
        columns = [
            dict(column, heading=translated.get(f"heading-{index}", column["heading"]))
            for index, column in enumerate(value.columns)
        ]
        rows = [
            dict(
                row,
                values=[translated.get(f"cell-{row_index}-{index}", cell) for index, cell in enumerate(row["values"])],
            )
            for row_index, row in enumerate(value.row_data)
        ]
        return TypedTable(columns=columns, row_data=rows, caption=translated.get("caption", value.caption))

    class Meta:
        icon = "table"
        template = "blocks/comparison_table_block.html"
        label = "Table"


class KeyPointBlock(blocks.StructBlock):
    lead = blocks.CharBlock(
        label="Lead-in words",
        help_text="Shown in bold before the point, for example “Licensed Facilities:”.",
    )
    text = blocks.TextBlock(label="Point")

    class Meta:
        icon = "list-ul"
        label = "Point"


class KeyPointListBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(KeyPointBlock(), min_num=1, **kwargs)

    class Meta:
        icon = "list-ul"
        template = "blocks/key_point_list_block.html"
        label = "Bulleted list"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock()
    answer = blocks.RichTextBlock(features=PARAGRAPH_FEATURES)

    def get_searchable_content(self, value):
        return [value["question"], plain_text(value["answer"])]

    class Meta:
        icon = "help"
        template = "blocks/faq_item_block.html"
        label = "Question and answer"
        preview_value = {
            "question": "Is the Treatment Painful? What About Downtime?",
            "answer": "<p>The entire process is designed to be a comfortable and straightforward experience.</p>",
        }


# Drawings kept with the site, in templates/illustrations/<key>.html.
ILLUSTRATIONS = [("nk-cell-therapy-stages", "NK cell therapy: normal patrol, depletion, reinforcement")]


class FigureBlock(blocks.StructBlock):
    """A picture with a caption and a text alternative; a library image replaces the drawing."""

    illustration = blocks.ChoiceBlock(
        choices=ILLUSTRATIONS,
        required=False,
        help_text="A drawing kept with the site. Shown when no image is chosen below.",
    )
    image = ImageBlock(required=False, help_text="An image from the library, shown instead of the drawing.")
    caption = blocks.CharBlock(help_text="A short title shown under the picture.")
    # A library image carries its own alt text (asked for just above), so a description is asked
    # for only with a drawing, which has none; with an image it is an optional longer text.
    description = blocks.TextBlock(
        required=False,
        help_text=(
            "What the drawing shows, in words, for people who cannot see it. Needed with a drawing; "
            "with an image, its alt text says this and a description here is optional. Shown under the caption."
        ),
    )

    def clean(self, value):
        value = super().clean(value)
        if self.is_deferred_validation and not value.get("image"):
            # A figure just inserted has neither yet; as with Wagtail's required fields, a draft
            # (autosave, Save draft) may wait for it, and publishing may not.
            return value
        if not value.get("image") and not value.get("illustration"):
            raise StructBlockValidationError(
                block_errors={"illustration": ValidationError("Choose a drawing or an image for the figure.")}
            )
        image = value.get("image")
        if not image and not (value.get("description") or "").strip():
            raise StructBlockValidationError(
                block_errors={"description": ValidationError("Say in words what the drawing shows.")}
            )
        if image and (image.decorative or not (image.contextual_alt_text or "").strip()):
            raise StructBlockValidationError(
                block_errors={"image": ValidationError("An image in a guide needs alt text that says what it shows.")}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["illustration_template"] = f"illustrations/{value['illustration']}.html"
        return context

    class Meta:
        icon = "image"
        template = "blocks/figure_block.html"
        label = "Figure"
        preview_value = {
            "illustration": "nk-cell-therapy-stages",
            "caption": "From normal patrol to depletion and therapeutic reinforcement",
            "description": "A diagram in three stages.",
        }


class SectionContentBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    table = ComparisonTableBlock()
    bullet_list = KeyPointListBlock()
    faq_item = FAQItemBlock()
    figure = FigureBlock()

    class Meta:
        required = False


class SubsectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(help_text="Shown as a level-3 heading.")
    content = SectionContentBlock()

    class Meta:
        icon = "doc-full"
        template = "blocks/subsection_block.html"
        label = "Subsection"
        preview_value = {
            "heading": "The Process of Cellular Reinforcement",
            "content": [("paragraph", "<p>The therapy itself is a precise, physician-guided process.</p>")],
        }


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(help_text="Shown as a level-2 heading and in the page's contents.")
    anchor = blocks.CharBlock(
        required=False,
        validators=[validate_slug],
        help_text=(
            "The web address of this section within the page, after the #. Leave blank to make "
            "one from the heading; set it to keep old links working when the heading changes."
        ),
    )
    content = SectionContentBlock(help_text="Paragraphs before the first subsection.")
    subsections = blocks.ListBlock(SubsectionBlock(), default=[])

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = section_anchor(value)
        return context

    class Meta:
        icon = "doc-full-inverse"
        template = "blocks/section_block.html"
        label = "Section"
        preview_value = {
            "heading": "Understanding How NK Cell Therapy Works",
            "content": [("paragraph", "<p>At its core, NK cell therapy is a form of immunotherapy.</p>")],
            "subsections": [],
        }


class GuideBodyBlock(blocks.StreamBlock):
    section = SectionBlock()

    def clean(self, value):
        value = super().clean(value)
        seen = {}
        block_errors = {}
        for index, child in enumerate(value):
            anchor = section_anchor(child.value)
            if not anchor:
                continue  # a section not given its heading yet: that field says so itself
            if anchor in seen:
                block_errors[index] = StructBlockValidationError(
                    block_errors={
                        "anchor": ValidationError(
                            f"Section {seen[anchor] + 1} already uses the anchor “{anchor}”. "
                            "Give this section a different heading or anchor."
                        )
                    }
                )
            else:
                seen[anchor] = index
        if block_errors:
            raise blocks.StreamBlockValidationError(block_errors=block_errors)
        return value


# --- sources ----------------------------------------------------------------------------------

SOURCE_LINK_SCHEMES = ("http", "https")
EARLIEST_SOURCE_YEAR = 1800


class SourceBlock(blocks.StructBlock):
    """One work a guide is based on, as editors enter it; the page numbers the list."""

    title = blocks.CharBlock(max_length=300, help_text="The article's, report's or book's title.")
    publisher = blocks.CharBlock(
        required=False, max_length=200, label="Publisher or journal", help_text="e.g. “The Lancet Oncology”, “NHS”."
    )
    year = blocks.IntegerBlock(required=False, min_value=EARLIEST_SOURCE_YEAR, help_text="The year it was published.")
    link = blocks.URLBlock(required=False, help_text="A web address starting with https:// or http://.")
    last_checked = blocks.DateBlock(
        label="Date last checked", help_text="When someone last confirmed this source still says what the guide says."
    )

    def clean(self, value):
        errors = {}
        try:
            value = super().clean(value)
        except StructBlockValidationError as error:
            errors.update(error.block_errors)
        link = value.get("link") or ""
        # URLBlock also takes ftp:// addresses; patients' browsers should be sent to the web only.
        if link and "link" not in errors and link.split(":", 1)[0].lower() not in SOURCE_LINK_SCHEMES:
            errors["link"] = ErrorList(
                [ValidationError("The link must be a web address starting with https:// or http://.")]
            )
        today = timezone.localdate()
        if isinstance(value.get("year"), int) and value["year"] > today.year:
            errors["year"] = ErrorList([ValidationError(f"The year cannot be after {today.year}.")])
        if value.get("last_checked") and value["last_checked"] > today:
            errors["last_checked"] = ErrorList([ValidationError("The date last checked cannot be in the future.")])
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    class Meta:
        icon = "link"
        label = "Source"
        template = "blocks/source_block.html"


class SourcesBlock(blocks.StreamBlock):
    source = SourceBlock()

    class Meta:
        required = False


# --- errors in staff's words ------------------------------------------------------------------


def block_error_places(block, error, value, place=()):
    """(where, message) for each error inside a StreamField, where = labels from the field down.

    Wagtail marks each wrong block in the editor, but the message at the top of the page says only
    "Validation error in StreamBlock"; this says which block, in the words on the editor's screen.
    """
    children = {}  # key → (label, child block, child value)
    if isinstance(error, blocks.StreamBlockValidationError):
        for index in error.block_errors:
            child = value[index] if index < len(value) else None
            child_block = child.block if child is not None else None
            label = f"{child_block.label if child_block else 'block'} {index + 1}"
            heading = _heading(child.value if child is not None else None)
            children[index] = (
                f"{label} (“{heading}”)" if heading else label,
                child_block,
                getattr(child, "value", None),
            )
    elif isinstance(error, StructBlockValidationError):
        for name in error.block_errors:
            child_block = block.child_blocks[name]
            # An ImageBlock is a StructBlock whose value is the image itself, not a dict.
            child_value = value.get(name) if hasattr(value, "get") else None
            children[name] = (str(child_block.label), child_block, child_value)
    elif isinstance(error, ListBlockValidationError):
        items = list(value or [])
        for index in error.block_errors:
            item = _at(items, index)
            label, heading = f"{block.child_block.label} {index + 1}", _heading(item)
            children[index] = (f"{label} (“{heading}”)" if heading else label, block.child_block, item)
    elif isinstance(error, TypedTableBlockValidationError):
        for row, columns in (error.cell_errors or {}).items():
            for column, cell_error in columns.items():
                for message in cell_error.messages:
                    yield place + (f"row {row + 1}, column {column + 1}",), message
    else:
        for message in error.messages:
            yield place, message
        return
    for message in getattr(error, "non_block_errors", None) or []:
        yield place, str(message)
    for key, child_error in error.block_errors.items() if hasattr(error, "block_errors") else []:
        label, child_block, child_value = children[key]
        if isinstance(child_error, list | ErrorList):
            child_error = child_error[0] if isinstance(child_error, list) else child_error.as_data()[0]
        yield from block_error_places(child_block, child_error, child_value, place + (label,))


def _at(items, index):
    return items[index] if index < len(items) else None


def _heading(value):
    try:
        return (value.get("heading") or "").strip()
    except AttributeError:
        return ""


def plain_block_errors(block, error, value):
    """One line per error, e.g. "Section 2 (“What to bring”) › Content › Table 1: Every column needs a heading." """
    return [
        " › ".join(where) + f": {message}" if where else message
        for where, message in block_error_places(block, error, value)
    ]


def with_block_ids(stream_block, data):
    """Stream data with an id on every block, nested ones included (each list item too).

    Wagtail gives ids to a stream's top-level blocks when it saves raw data, not to the blocks
    inside them; the page editor gives all of them ids. wagtail-localize finds each string by the
    ids on its way, and without them crashes or skips it: seeded guides go through this.
    """
    value = stream_block.to_python(data)
    _convert_every_block(value)
    return stream_block.get_prep_value(value)


def _convert_every_block(value):
    # A stream keeps blocks it has not been asked for as raw data and writes them back as they
    # came, without ids; once read, each gets one when it is written.
    if isinstance(value, blocks.StreamValue):
        for child in value:
            _convert_every_block(child.value)
    elif isinstance(value, blocks.StructValue):
        for item in value.values():
            _convert_every_block(item)
    elif isinstance(value, blocks.list_block.ListValue):
        for item in value:
            _convert_every_block(item)
