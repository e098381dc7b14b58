"""The label scheme shared by the recognizer, the relation classifier, training and scoring.

SciERC's entity and relation labels, how the graph's entity types map back to them, and the
Penn Treebank escapes in SciERC's tokens. A leaf module: it imports nothing of the package, so
the extractor and the scorer can both depend on it without depending on each other.
"""

from __future__ import annotations

#: The six SciERC entity labels, in the order reports list them.
SCIERC_LABELS: tuple[str, ...] = ("Method", "Task", "Metric", "Material", "OtherScientificTerm", "Generic")

#: The seven SciERC relation labels, in the order reports list them.
RELATION_LABELS: tuple[str, ...] = (
    "USED-FOR",
    "EVALUATE-FOR",
    "FEATURE-OF",
    "HYPONYM-OF",
    "PART-OF",
    "COMPARE",
    "CONJUNCTION",
)

#: How a graph label maps back to a SciERC label when a component did not record the original.
KG_TO_SCIERC = {"Dataset": "Material", "Concept": "OtherScientificTerm"}

#: The span-group attribute in which a component records each span's SciERC label.
SCIERC_ATTR = "scierc_labels"

#: Penn Treebank escapes in SciERC's tokens, given back their characters (the pipeline reads text).
PTB_ESCAPES = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
