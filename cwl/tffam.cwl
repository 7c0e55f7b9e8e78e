#!/usr/bin/env cwl-runner
# tffam as a CWL CommandLineTool: classify DNA motifs by transcription factor family.
# Runs unchanged under cwltool (one machine) and toil-cwl-runner (Slurm, Kubernetes,
# cloud batch systems); see website/workflows.html. Test: make check-cwl.
cwlVersion: v1.2
class: CommandLineTool
id: tffam
label: "tffam: transcription factor family from a DNA motif"
doc: |
  Predicts the structural family (TFClass, as JASPAR 2024 annotates it) of each DNA
  motif in a MEME text, MEME/STREME/DREME XML or JASPAR file: by default a calibrated
  combination of convolutional networks and nearest neighbours among the bundled JASPAR
  2024 reference motifs, with the networks' and the neighbours' own calls beside it.
  Writes tffam.tsv, tffam.html and tffam.xml (doc/tffam-output-format.md).

hints:
  SoftwareRequirement:
    packages:
      tffam:
        version: ["0.2.0"]
  ResourceRequirement:
    coresMin: 1
    ramMin: 512

baseCommand: tffam
arguments:
  - {prefix: -oc, valueFrom: tffam_out, position: -2}
  - {prefix: -p, valueFrom: $(runtime.cores), position: -1}
  - {prefix: -verbosity, valueFrom: "1", position: -1}

inputs:
  motifs:
    type: File
    doc: Motif file (MEME text, MEME/STREME/DREME XML, JASPAR; gzip accepted).
    inputBinding: {position: 100}
  method:
    type:
      - "null"
      - type: enum
        symbols: [combined, both, cnn, knn]
    doc: "Who makes the call: the combined model of networks and KNN, calibrated (default), the conv net with KNN beside it, or one alone."
    inputBinding: {prefix: -method}
  level:
    type:
      - "null"
      - type: enum
        symbols: [class, class20, family, family30]
    doc: "Label level of the bundled data: TFClass class (all 48, default), the thesis's 20 classes, the finer TFClass family (all 83 with at least 5 motifs) or the thesis set's 30 families."
    inputBinding: {prefix: -level}
  top_k:
    type: int?
    doc: "Families listed per motif, most probable first (default: 3)."
    inputBinding: {prefix: -top-k}
  min_prob:
    type: double?
    doc: "Report no_confident_family when the call's probability is below this (default: 0)."
    inputBinding: {prefix: -min-prob}
  nsig_evalue:
    type: double?
    doc: "Flag not_significant when even the best reference match has an E-value above this (default: 1)."
    inputBinding: {prefix: -nsig-evalue}
  novelty:
    type: double?
    doc: "Call no_known_family when the novelty model's probability is at least this (default: the threshold fitted with the combined model; 1: never)."
    inputBinding: {prefix: -novelty}
  second_prob:
    type: double?
    doc: "Flag two_families also when the runner-up's probability is at least this (default: 1; above 0.5: never)."
    inputBinding: {prefix: -second-prob}
  partner_evalue:
    type: double?
    doc: "Flag two_families when the nearest reference motif is a two-family JASPAR motif (A::B) holding the call at an E-value of at most this; its other family is the second (default: 1; 0: never)."
    inputBinding: {prefix: -partner-evalue}
  combiner:
    type: File?
    doc: "Combined model file for method combined (default: the shipped one of the level); its networks are looked up beside it, else among tffam's data (the shipped ones)."
    inputBinding: {prefix: -combiner}
  dist:
    type:
      - "null"
      - type: enum
        symbols: [ensemble, ed, pearson, sandelin]
    doc: "KNN column score; ensemble: majority of the three (default: ensemble)."
    inputBinding: {prefix: -dist}
  k:
    type: int?
    doc: "KNN: number of neighbours that vote, 1..100 (default: 3)."
    inputBinding: {prefix: -k}
  nnb:
    type: int?
    doc: "Nearest reference motifs listed per query, 0..100 (default: 5)."
    inputBinding: {prefix: -nnb}
  min_overlap:
    type: int?
    doc: "KNN: minimum overlap of query and reference motif (default: 5)."
    inputBinding: {prefix: -min-overlap}
  motif_pseudo:
    type: double?
    doc: "Pseudocount added to motifs for comparison (default: 0.1)."
    inputBinding: {prefix: -motif-pseudo}
  exclude_self:
    type: boolean?
    doc: "KNN: skip a reference motif with the query's id (leave-one-out)."
    inputBinding: {prefix: -exclude-self}
  ref:
    type: File?
    doc: "Reference motifs for KNN (default: the bundled JASPAR 2024 set of the chosen level); needs ref_labels."
    inputBinding: {prefix: -ref}
  ref_labels:
    type: File?
    doc: "Families of the ref motifs (tab-separated id and family)."
    inputBinding: {prefix: -ref-labels}
  tomtom:
    type: File?
    doc: "A Tomtom run (tomtom.tsv) of the queries against a JASPAR CORE release or the reference set: its rows stand for the neighbours they cover (its -dist is read from the file); the call stays the chosen classifier's."
    inputBinding: {prefix: -tomtom}
  model:
    type: File?
    doc: "Convolutional network model for method both or cnn (default: the shipped model of the level)."
    inputBinding: {prefix: -model}
  ig_steps:
    type: int?
    doc: "Integrated Gradients steps for the per-position importance of the call, averaged over the networks with the combined model (0: none; default: 50)."
    inputBinding: {prefix: -ig-steps}
  xml_no_positions:
    type: boolean?
    doc: "Leave each motif's matrix and importance profile out of tffam.xml."
    inputBinding: {prefix: -xml-no-positions}
  bfile:
    type: File?
    doc: "Background frequencies, MEME -bfile format (default: the motif file's)."
    inputBinding: {prefix: -bfile}
  motif_ids:
    type:
      - "null"
      - type: array
        items: string
        inputBinding: {prefix: -m}
    doc: "Use only the query motifs with these ids."
  motif_indices:
    type:
      - "null"
      - type: array
        items: int
        inputBinding: {prefix: -mi}
    doc: "Use only the query motifs at these 1-based positions."

outputs:
  tsv:
    type: File
    doc: "One line per motif: predicted family, probabilities, KNN call, nearest reference motif."
    outputBinding: {glob: tffam_out/tffam.tsv}
  html:
    type: File
    doc: "The report for people (logos, probabilities, aligned neighbours)."
    outputBinding: {glob: tffam_out/tffam.html}
  xml:
    type: File
    doc: "Everything in the report, for programs (etc/tffam.dtd)."
    outputBinding: {glob: tffam_out/tffam.xml}

s:license: MIT
$namespaces:
  s: https://schema.org/
