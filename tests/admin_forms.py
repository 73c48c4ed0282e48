"""Turn a StreamField value into the POST data the Wagtail editor sends.

The editor's fields are drawn by JavaScript, so the HTML form has none to copy; this
writes the same names the editor's widgets use (see each block's value_from_datadict).
"""

from wagtail import blocks
from wagtail.contrib.typed_table_block.blocks import BaseTypedTableBlock
from wagtail.images.blocks import ImageBlock
from wagtail.test.utils.form_data import rich_text


def block_form_data(block, value, prefix, out):
    if isinstance(block, blocks.StreamBlock):
        out[f"{prefix}-count"] = str(len(value))
        for index, child in enumerate(value):
            out[f"{prefix}-{index}-type"] = child.block_type
            out[f"{prefix}-{index}-order"] = str(index)
            out[f"{prefix}-{index}-deleted"] = ""
            out[f"{prefix}-{index}-id"] = child.id or ""
            block_form_data(child.block, child.value, f"{prefix}-{index}-value", out)
    elif isinstance(block, blocks.ListBlock):
        out[f"{prefix}-count"] = str(len(value))
        for index, child in enumerate(value.bound_blocks):
            out[f"{prefix}-{index}-order"] = str(index)
            out[f"{prefix}-{index}-deleted"] = ""
            out[f"{prefix}-{index}-id"] = child.id or ""
            block_form_data(block.child_block, child.value, f"{prefix}-{index}-value", out)
    elif isinstance(block, ImageBlock):
        # Its value is the Image itself, carrying this use's alt text.
        out[f"{prefix}-image"] = str(value.pk) if value else ""
        out[f"{prefix}-alt_text"] = (value and value.contextual_alt_text) or ""
        if value and value.decorative:
            out[f"{prefix}-decorative"] = "on"
    elif isinstance(block, blocks.StructBlock):
        for name, child_block in block.child_blocks.items():
            block_form_data(child_block, value[name], f"{prefix}-{name}", out)
    elif isinstance(block, BaseTypedTableBlock):
        out[f"{prefix}-caption"] = value.caption
        out[f"{prefix}-column-count"] = str(len(value.columns))
        for index, column in enumerate(value.columns):
            out[f"{prefix}-column-{index}-type"] = column["block"].name
            out[f"{prefix}-column-{index}-order"] = str(index)
            out[f"{prefix}-column-{index}-deleted"] = ""
            out[f"{prefix}-column-{index}-heading"] = column["heading"]
        out[f"{prefix}-row-count"] = str(len(value.row_data))
        for row_index, row in enumerate(value.row_data):
            out[f"{prefix}-row-{row_index}-order"] = str(row_index)
            out[f"{prefix}-row-{row_index}-deleted"] = ""
            for column_index, (column, cell) in enumerate(zip(value.columns, row["values"], strict=True)):
                block_form_data(column["block"], cell, f"{prefix}-cell-{row_index}-{column_index}", out)
    elif isinstance(block, blocks.RichTextBlock):
        out[prefix] = rich_text(value.source, features=block.features)
    else:
        out[prefix] = "" if value is None else str(value)
    return out
